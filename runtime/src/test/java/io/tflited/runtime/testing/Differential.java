package io.tflited.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/**
 * Runs a model in tflited and in TensorFlow Lite 2.4.1 on the same inputs and compares every
 * output: integers bit for bit, floats within 1e-4 relative (1e-5 absolute floor).
 */
public final class Differential {
  public static final double RTOL = 1e-4;
  public static final double ATOL = 1e-5;

  private Differential() {}

  /** Asserts tflited (every kernel set given) matches TFLite 2.4.1 on this model and input. */
  public static void assertMatchesTfLite(byte[] model, byte[][] inputs) throws Exception {
    TfLiteOracle.assumeAvailable();
    byte[][] expected = TfLiteOracle.run(model, inputs);
    CompiledModel compiled = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    byte[][] actual = run(compiled, inputs);
    assertOutputsMatch(compiled.outputs(), expected, actual, "");
  }

  /** Runs the model once in tflited. */
  public static byte[][] run(CompiledModel model, byte[][] inputs) throws Exception {
    try (Interpreter it = model.newInterpreter()) {
      for (int i = 0; i < inputs.length; i++) {
        it.copyInput(i, inputs[i]);
      }
      it.run();
      byte[][] out = new byte[it.outputCount()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = it.outputBytes(i);
      }
      return out;
    }
  }

  /** Inputs drawn from a seeded generator: floats uniform in [-range, range], ints all bytes. */
  public static byte[][] randomInputs(List<TensorInfo> inputs, long seed, float range) {
    Random r = new Random(seed);
    byte[][] out = new byte[inputs.size()][];
    for (int i = 0; i < out.length; i++) {
      TensorInfo t = inputs.get(i);
      byte[] b = new byte[(int) t.byteSize()];
      if (t.dataType() == DataType.FLOAT32) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        while (bb.remaining() >= 4) {
          bb.putFloat((r.nextFloat() * 2 - 1) * range);
        }
      } else if (t.dataType() == DataType.BOOL) {
        for (int k = 0; k < b.length; k++) {
          b[k] = (byte) r.nextInt(2);
        }
      } else {
        r.nextBytes(b);
      }
      out[i] = b;
    }
    return out;
  }

  /** The golden README's generator: Random(42), nextFloat() per float, nextBytes() otherwise. */
  public static byte[][] goldenStyleInputs(List<TensorInfo> inputs) {
    Random r = new Random(42);
    byte[][] out = new byte[inputs.size()][];
    for (int i = 0; i < out.length; i++) {
      TensorInfo t = inputs.get(i);
      byte[] b = new byte[(int) t.byteSize()];
      if (t.dataType() == DataType.FLOAT32) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        while (bb.remaining() >= 4) {
          bb.putFloat(r.nextFloat());
        }
      } else {
        r.nextBytes(b);
      }
      out[i] = b;
    }
    return out;
  }

  /** Compares outputs; fails with the first differing element of each mismatching output. */
  public static void assertOutputsMatch(
      List<TensorInfo> outputs, byte[][] expected, byte[][] actual, String label) {
    StringBuilder errors = new StringBuilder();
    for (int i = 0; i < outputs.size(); i++) {
      String d = describeMismatch(outputs.get(i).dataType(), expected[i], actual[i]);
      if (d != null) {
        errors.append(label).append(" output ").append(i).append(" (")
            .append(outputs.get(i)).append("): ").append(d).append('\n');
      }
    }
    if (!errors.isEmpty()) {
      fail(errors.toString());
    }
  }

  /** Null when equal within tolerance, else a description of the differences. */
  public static String describeMismatch(DataType type, byte[] expected, byte[] actual) {
    if (expected.length != actual.length) {
      return "size " + actual.length + " bytes, expected " + expected.length;
    }
    ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
    int size = type.byteSize();
    int n = expected.length / size;
    int diffs = 0;
    String first = null;
    double maxDiff = 0;
    for (int k = 0; k < n; k++) {
      double ev;
      double av;
      boolean bad;
      switch (type) {
        case FLOAT32 -> {
          ev = e.getFloat(4 * k);
          av = a.getFloat(4 * k);
          bad = !(Math.abs(ev - av) <= Math.max(ATOL, RTOL * Math.abs(ev)))
              && !(Double.isNaN(ev) && Double.isNaN(av));
        }
        case INT8 -> {
          ev = e.get(k);
          av = a.get(k);
          bad = ev != av;
        }
        case UINT8, BOOL -> {
          ev = e.get(k) & 0xff;
          av = a.get(k) & 0xff;
          bad = ev != av;
        }
        case INT16 -> {
          ev = e.getShort(2 * k);
          av = a.getShort(2 * k);
          bad = ev != av;
        }
        case INT32 -> {
          ev = e.getInt(4 * k);
          av = a.getInt(4 * k);
          bad = ev != av;
        }
        case INT64 -> {
          ev = e.getLong(8 * k);
          av = a.getLong(8 * k);
          bad = ev != av;
        }
        default -> {
          ev = e.get(k);
          av = a.get(k);
          bad = ev != av;
        }
      }
      if (bad) {
        diffs++;
        maxDiff = Math.max(maxDiff, Math.abs(ev - av));
        if (first == null) {
          first = "element " + k + ": got " + av + ", expected " + ev;
        }
      }
    }
    return diffs == 0 ? null : diffs + " of " + n + " elements differ (max " + maxDiff + "); first " + first;
  }
}
