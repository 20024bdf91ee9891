package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Padding;
import io.tflited.runtime.model.fb.Pool2DOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** L2_POOL_2D: a hand-checked window and differential tests against TFLite 2.4.1. */
class L2Pool2dDifferentialTest {

  static byte[] model(int[] shape, int padding, int sh, int sw, int fh, int fw, int act) {
    int outH = io.tflited.runtime.ops.Padding.outSize(padding, shape[1], fh, sh, 1);
    int outW = io.tflited.runtime.ops.Padding.outSize(padding, shape[2], fw, sw, 1);
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, shape);
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {shape[0], outH, outW, shape[3]});
    b.addOperator(
        BuiltinOperator.L2_POOL_2D,
        1,
        new int[] {x},
        new int[] {y},
        BuiltinOptions.Pool2DOptions,
        fbb -> Pool2DOptions.createPool2DOptions(fbb, (byte) padding, sw, sh, fw, fh, (byte) act));
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    // 2x2 input, 2x2 VALID window: sqrt((9 + 16 + 0 + 0) / 4) = 2.5.
    byte[] model =
        model(new int[] {1, 2, 2, 1}, Padding.VALID, 1, 1, 2, 2, ActivationFunctionType.NONE);
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    ByteBuffer in = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    in.putFloat(3).putFloat(-4).putFloat(0).putFloat(0);
    byte[] out = Differential.run(m, new byte[][] {in.array()})[0];
    assertEquals(2.5f, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
  }

  @Test
  void randomCasesMatchTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(51);
    List<String> failures = new ArrayList<>();
    int[] acts = {
      ActivationFunctionType.NONE,
      ActivationFunctionType.RELU,
      ActivationFunctionType.RELU6,
      ActivationFunctionType.RELU_N1_TO_1
    };
    for (int i = 0; i < 150; i++) {
      int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(9), 1 + r.nextInt(9), 1 + r.nextInt(5)};
      int padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
      int fh = 1 + r.nextInt(Math.min(4, shape[1]));
      int fw = 1 + r.nextInt(Math.min(4, shape[2]));
      int sh = 1 + r.nextInt(3);
      int sw = 1 + r.nextInt(3);
      int act = acts[r.nextInt(acts.length)];
      byte[] model = model(shape, padding, sh, sw, fh, fw, act);
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      try {
        Differential.assertMatchesTfLite(model, Differential.randomInputs(m.inputs(), 500 + i, 3f));
      } catch (AssertionError e) {
        failures.add(
            Arrays.toString(shape)
                + " pad "
                + padding
                + " stride "
                + sh
                + "x"
                + sw
                + " filter "
                + fh
                + "x"
                + fw
                + " act "
                + act
                + ": "
                + e.getMessage());
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
