package io.tflited.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.Tensor;

/**
 * TensorFlow Lite 2.4.1 itself (ai.djl.tflite:tflite-native-cpu, JNI), the bit-exact oracle of
 * the differential tests. Available on linux-x86_64 only; tests call {@link #assumeAvailable()}
 * and are skipped with the reason elsewhere.
 */
public final class TfLiteOracle {
  private static final String LIBRARY = "native/lib/libtensorflowlite_jni.so";
  private static final String unavailable = load();

  private TfLiteOracle() {}

  private static String load() {
    String os = System.getProperty("os.name", "").toLowerCase();
    String arch = System.getProperty("os.arch", "");
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "TFLite 2.4.1 oracle runs on linux-x86_64 only (this is " + os + "/" + arch + ")";
    }
    try (InputStream in = TfLiteOracle.class.getClassLoader().getResourceAsStream(LIBRARY)) {
      if (in == null) {
        return "TFLite 2.4.1 oracle jar (ai.djl.tflite:tflite-native-cpu) is not on the classpath";
      }
      Path dir = Files.createTempDirectory("tflite-oracle");
      Path so = dir.resolve("libtensorflowlite_jni.so");
      Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
      so.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      System.load(so.toString());
      return null;
    } catch (IOException | LinkageError e) {
      return "cannot load TFLite 2.4.1 oracle: " + e;
    }
  }

  public static boolean isAvailable() {
    return unavailable == null;
  }

  /** Skips the calling test, saying why, when the oracle cannot run here. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(unavailable == null, unavailable);
  }

  /** Outputs of one invocation of TFLite 2.4.1 on a model given as bytes. */
  public static byte[][] run(byte[] model, byte[][] inputs) {
    ByteBuffer buf = ByteBuffer.allocateDirect(model.length).order(ByteOrder.nativeOrder());
    buf.put(model).rewind();
    try (Interpreter it = new Interpreter(buf, new Interpreter.Options().setNumThreads(1))) {
      return invoke(it, inputs);
    }
  }

  /** Outputs of one invocation of TFLite 2.4.1 on a model file. */
  public static byte[][] run(Path model, byte[][] inputs) throws IOException {
    return run(Files.readAllBytes(model), inputs);
  }

  private static byte[][] invoke(Interpreter it, byte[][] inputs) {
    Object[] ins = new Object[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(inputs[i].length).order(ByteOrder.nativeOrder());
      b.put(inputs[i]).rewind();
      ins[i] = b;
    }
    it.runForMultipleInputsOutputs(ins);
    byte[][] outs = new byte[it.getOutputTensorCount()][];
    for (int i = 0; i < outs.length; i++) {
      Tensor t = it.getOutputTensor(i);
      ByteBuffer b = ByteBuffer.allocateDirect(t.numBytes()).order(ByteOrder.nativeOrder());
      t.copyTo(b);
      b.rewind();
      outs[i] = new byte[t.numBytes()];
      b.get(outs[i]);
    }
    return outs;
  }
}
