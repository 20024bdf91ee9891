package io.tflited.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.TfLitedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the model loader: bytes -> verify -> prepare -> interpreter ->
 * inputs filled from the same bytes -> run. The only exceptions allowed out are the runtime's
 * own ({@link TfLitedException}: ModelException, InvocationException); anything else (a
 * RuntimeException, an Error such as OutOfMemoryError or StackOverflowError), or an input
 * running longer than the timeout, is a finding.
 *
 * <p>Plain {@code mvn test} replays the regression inputs in
 * src/test/resources/io/tflited/runtime/fuzz/ModelLoaderFuzzTestInputs/loadAndRun (crashes once
 * found, and seeds); the parent pom's fuzz-model-loader execution fuzzes for
 * ${tflited.fuzz.seconds}; scripts/fuzz.sh model-loader runs it longer.
 */
class ModelLoaderFuzzTest {
  /**
   * Models whose arena exceeds this are prepared but not run: a legitimate model may declare
   * activations up to the interpreter's limit (half the heap), and zeroing and running hundreds
   * of megabytes per input would turn every such mutant into a timeout rather than a finding.
   */
  static final int MAX_RUN_ARENA_BYTES = 16 << 20;

  @BeforeAll
  static void seedCorpus() {
    List<byte[]> seeds = new ArrayList<>(SeedModels.all());
    FuzzCorpus.sharedModels().forEach(p -> seeds.add(FuzzCorpus.read(p)));
    FuzzCorpus.seed(ModelLoaderFuzzTest.class, "loadAndRun", seeds);
  }

  @FuzzTest(maxDuration = "25s")
  void loadAndRun(byte[] data) {
    CompiledModel model;
    try {
      model = CompiledModel.fromBuffer(ByteBuffer.wrap(data), InterpreterOptions.defaults());
    } catch (TfLitedException rejected) {
      return;
    }
    if (model.arenaBytes() > MAX_RUN_ARENA_BYTES) {
      return;
    }
    try (Interpreter it = model.newInterpreter()) {
      fillInputs(it, data);
      it.run();
      for (int i = 0; i < it.outputCount(); i++) {
        it.outputBytes(i);
      }
    } catch (TfLitedException rejected) {
      // An inference refused for its data is the runtime's own answer.
    }
  }

  /**
   * Input bytes are taken cyclically from the model's own bytes (fuzzer-controlled): extreme
   * floats, NaNs and out-of-range indices reach the kernels, not just zeros.
   */
  static void fillInputs(Interpreter it, byte[] data) {
    int k = 0;
    for (int i = 0; i < it.inputCount(); i++) {
      ByteBuffer in = it.inputBuffer(i);
      for (int p = in.position(); p < in.limit(); p++) {
        in.put(p, data.length == 0 ? 0 : data[k++ % data.length]);
      }
    }
  }
}
