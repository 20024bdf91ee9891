package io.tflited.converter.quantize;

import io.tflited.runtime.model.fb.BuiltinOperator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code min_runtime_version} metadata TensorFlow's converter writes: the oldest TensorFlow
 * Lite release whose kernels accept every (operator, version) of the model, stored as the version
 * string in a 16-byte zero-padded buffer. Covers the operators the quantizers rewrite or emit;
 * operators of other kinds are copied unchanged and do not raise the minimum (TensorFlow's
 * converter likewise skips pairs missing from its table).
 */
final class MinRuntimeVersion {
  private static final int BUFFER_BYTES = 16;
  private static final Map<Long, String> RELEASES = new HashMap<>();

  static {
    // Release that introduced each (operator, version), from TensorFlow Lite's versioning table.
    add(BuiltinOperator.CONV_2D, "1.5.0", "1.14.0", "1.14.0", "2.3.0", "2.4.0");
    add(BuiltinOperator.DEPTHWISE_CONV_2D, "1.5.0", "1.12.0", "1.14.0", "2.2.0", "2.3.0", "2.3.0");
    add(BuiltinOperator.FULLY_CONNECTED,
        "1.5.0", "1.10.0", "1.14.0", "1.14.0", "2.0.0", "2.1.0", "2.3.0", "2.3.0", "2.3.0");
    add(BuiltinOperator.ADD, "1.5.0", "1.14.0", "2.4.0");
    add(BuiltinOperator.SUB, "1.6.0", "1.14.0", "2.3.0", "2.4.0", "2.4.0");
    add(BuiltinOperator.MUL, "1.5.0", "1.14.0", "1.15.0", "2.3.0");
    add(BuiltinOperator.AVERAGE_POOL_2D, "1.5.0", "1.14.0", "2.3.0");
    add(BuiltinOperator.MAX_POOL_2D, "1.5.0", "1.14.0", "2.3.0");
    add(BuiltinOperator.PAD, "1.5.0", "1.14.0", "2.4.0");
    add(BuiltinOperator.RESHAPE, "1.5.0");
    add(BuiltinOperator.SQUEEZE, "1.6.0");
    add(BuiltinOperator.EXPAND_DIMS, "1.10.0");
    add(BuiltinOperator.SOFTMAX, "1.5.0", "1.14.0", "2.3.0");
    add(BuiltinOperator.LOGISTIC, "1.14.0", "1.14.0", "2.3.0");
    add(BuiltinOperator.TANH, "1.14.0", "1.14.0", "2.3.0");
    add(BuiltinOperator.CONCATENATION, "1.5.0", "1.14.0", "2.3.0");
    add(BuiltinOperator.MEAN, "1.6.0", "1.14.0", "2.4.0");
    add(BuiltinOperator.RELU, "1.5.0", "2.1.0");
    add(BuiltinOperator.RELU6, "1.5.0", "1.14.0");
    add(BuiltinOperator.QUANTIZE, "1.14.0", "1.15.0");
    add(BuiltinOperator.DEQUANTIZE, "1.13.1", "1.14.0", "1.15.0", "2.2.0");
  }

  private MinRuntimeVersion() {}

  private static void add(int op, String... byVersion) {
    for (int v = 0; v < byVersion.length; v++) {
      RELEASES.put(key(op, v + 1), byVersion[v]);
    }
  }

  private static long key(int op, int version) {
    return ((long) op << 32) | version;
  }

  /** The newest release any of {@code operators} ({code, version} pairs) needs; null if none known. */
  static String of(List<int[]> operators) {
    String newest = null;
    for (int[] op : operators) {
      String r = RELEASES.get(key(op[0], op[1]));
      if (r != null && (newest == null || compare(r, newest) > 0)) {
        newest = r;
      }
    }
    return newest;
  }

  /** The metadata buffer: the version string, zero-padded to 16 bytes. */
  static byte[] metadataBytes(String version) {
    byte[] s = version.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[Math.max(BUFFER_BYTES, s.length)];
    System.arraycopy(s, 0, out, 0, s.length);
    return out;
  }

  static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int d = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (d != 0) {
        return d;
      }
    }
    return Integer.compare(x.length, y.length);
  }
}
