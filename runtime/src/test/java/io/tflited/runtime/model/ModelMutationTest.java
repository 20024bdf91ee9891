package io.tflited.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.testing.SharedModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Loads thousands of mutated versions of the real models (fixed seed): bit flips, extreme
 * integers written over the structure, truncations and splices. Each must either load and run
 * or fail with the runtime's own {@link ModelException} / {@link InvocationException}; any
 * other exception, error or hang is an escape, and the test requires 0 escapes.
 */
class ModelMutationTest {
  private static final long SEED = Long.getLong("tflited.mutation.seed", 20261127L);

  /** Longer runs: -Dtflited.mutation.scale=50 (about 180,000 mutations). */
  private static final double SCALE =
      Double.parseDouble(System.getProperty("tflited.mutation.scale", "1"));
  private static final int[] EXTREMES = {
    0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff, 0xffff, 1 << 30, -(1 << 30), 255, 65536
  };

  /** Small models are also run; large ones are only loaded and prepared. */
  private static final Map<String, Integer> MODELS = new LinkedHashMap<>();

  static {
    MODELS.put("tflite-micro/hello_world/hello_world_int8.tflite", 400);
    MODELS.put("tflite-micro/hello_world/hello_world_float.tflite", 400);
    MODELS.put("google-coral-test_data/tools/split_concat.tflite", 400);
    MODELS.put("google-coral-test_data/invalid_models/model_invoking_error.tflite", 200);
    MODELS.put("tflite-micro/seanet/conv/conv0.tflite", 300);
    MODELS.put("tflite-micro/seanet/add/add0.tflite", 200);
    MODELS.put("tflite-micro/seanet/strided_slice/strided_slice0.tflite", 200);
    MODELS.put("tflite-micro/seanet/pad/pad0.tflite", 200);
    MODELS.put("google-coral-test_data/keras_lstm_mnist_ptq.tflite", 400);
    MODELS.put("tflite-micro/keyword_scrambled/keyword_scrambled.tflite", 200);
    MODELS.put("mlcommons-tiny/keyword_spotting/kws_ref_model.tflite", 300);
    MODELS.put("mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite", 150);
    MODELS.put("mlcommons-tiny/anomaly_detection/ad01_int8.tflite", 150);
    MODELS.put("google-coral-test_data/mobilenet_v1_0.25_128_quant.tflite", 60);
  }

  @Test
  void mutatedModelsOnlyRaiseTheRuntimesOwnExceptions() throws Exception {
    Assumptions.assumeTrue(SharedModels.root() != null, "../shared/models not found");
    Random random = new Random(SEED);
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "mutation-worker");
      t.setDaemon(true);
      return t;
    });
    int total = 0;
    int loaded = 0;
    int rejected = 0;
    List<String> escapes = new ArrayList<>();
    try {
      for (Map.Entry<String, Integer> e : MODELS.entrySet()) {
        Path p = SharedModels.root().resolve(e.getKey());
        if (!Files.exists(p)) {
          continue;
        }
        byte[] original = Files.readAllBytes(p);
        boolean run = original.length < 200_000;
        int count = (int) (e.getValue() * SCALE);
        for (int i = 0; i < count; i++) {
          byte[] mutated = mutate(original, random);
          total++;
          Future<Boolean> f = worker.submit(() -> loadAndRun(mutated, run));
          try {
            if (f.get(20, TimeUnit.SECONDS)) {
              loaded++;
            } else {
              rejected++;
            }
          } catch (TimeoutException te) {
            f.cancel(true);
            escapes.add(e.getKey() + " mutation " + i + ": hang (> 20 s)");
            break;
          } catch (java.util.concurrent.ExecutionException ee) {
            escapes.add(e.getKey() + " mutation " + i + ": " + ee.getCause());
          }
        }
      }
    } finally {
      worker.shutdownNow();
    }
    System.out.printf(
        "model mutation: %d mutated models, %d loaded and ran, %d rejected with ModelException/"
            + "InvocationException, %d escapes%n",
        total, loaded, rejected, escapes.size());
    assertTrue(total >= 3000 * Math.min(1, SCALE), "expected thousands of mutations, ran " + total);
    assertEquals(List.of(), escapes.subList(0, Math.min(20, escapes.size())), "escapes");
  }

  /** True when the model loaded (and ran, if asked); false when rejected properly. */
  private static boolean loadAndRun(byte[] model, boolean run) throws Exception {
    try {
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      if (run) {
        try (Interpreter it = m.newInterpreter()) {
          it.run();
        }
      }
      return true;
    } catch (ModelException | InvocationException expected) {
      return false;
    }
  }

  static byte[] mutate(byte[] original, Random r) {
    byte[] b = original.clone();
    int kind = r.nextInt(6);
    int n = b.length;
    switch (kind) {
      case 0 -> { // flip 1..8 random bits anywhere
        int flips = 1 + r.nextInt(8);
        for (int k = 0; k < flips; k++) {
          int pos = r.nextInt(n);
          b[pos] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 1 -> { // an extreme int over a 4-aligned word near the structure (start or end)
        int window = Math.min(n, 8192);
        int base = r.nextBoolean() ? 0 : n - window;
        int pos = (base + r.nextInt(window)) & ~3;
        if (pos + 4 <= n) {
          ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)
              .putInt(pos, EXTREMES[r.nextInt(EXTREMES.length)]);
        }
      }
      case 2 -> { // random bytes over a short run anywhere
        int pos = r.nextInt(n);
        int len = Math.min(n - pos, 1 + r.nextInt(16));
        for (int k = 0; k < len; k++) {
          b[pos + k] = (byte) r.nextInt(256);
        }
      }
      case 3 -> { // truncation
        return java.util.Arrays.copyOf(b, r.nextInt(n));
      }
      case 4 -> { // small int near the structure (indices, counts, types)
        int window = Math.min(n, 8192);
        int base = r.nextBoolean() ? 0 : n - window;
        int pos = base + r.nextInt(window);
        b[pos] = (byte) (r.nextInt(40) - 4);
      }
      default -> { // copy a chunk over another place (duplicated offsets, aliasing)
        int len = 1 + r.nextInt(Math.min(64, n));
        int from = r.nextInt(n - len + 1);
        int to = r.nextInt(n - len + 1);
        System.arraycopy(original, from, b, to, len);
      }
    }
    return b;
  }
}
