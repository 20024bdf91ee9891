package io.tflited.runtime.ops.index;

import static io.tflited.runtime.ops.index.IndexHarness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LocalResponseNormalizationOptions;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LOCAL_RESPONSE_NORMALIZATION against a hand-checked case and TFLite 2.4.1. */
class LocalResponseNormalizationTest {
  static byte[] model(int[] shape, int radius, float bias, float alpha, float beta) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, shape);
    int y = b.addTensor("y", DataType.FLOAT32, shape);
    b.addOperator(BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION, 1, new int[] {x}, new int[] {y},
        BuiltinOptions.LocalResponseNormalizationOptions,
        fbb -> LocalResponseNormalizationOptions.createLocalResponseNormalizationOptions(
            fbb, radius, bias, alpha, beta));
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    // radius 1, bias 1, alpha 1, beta 0.5 on channels [1, 2, 3]:
    // c0: 1/sqrt(1+1+4), c1: 2/sqrt(1+1+4+9), c2: 3/sqrt(1+4+9)
    float[] y = toFloats(run(model(new int[] {1, 1, 1, 3}, 1, 1f, 1f, 0.5f), floats(1, 2, 3))[0]);
    assertEquals(1 / Math.sqrt(6), y[0], 1e-6);
    assertEquals(2 / Math.sqrt(15), y[1], 1e-6);
    assertEquals(3 / Math.sqrt(14), y[2], 1e-6);
  }

  @Test
  void differential() throws Exception {
    Random r = new Random(31);
    float[] betas = {0.75f, 0.5f, 1f, 0.3f};
    for (int trial = 0; trial < 40; trial++) {
      int[] shape = randomShape(r, 4, 5);
      shape[3] = 1 + r.nextInt(trial % 5 == 4 ? 256 : 24);
      int radius = r.nextInt(6);
      float bias = 0.5f + r.nextFloat() * 2;
      float alpha = r.nextFloat() * 0.2f;
      byte[] m = model(shape, radius, bias, alpha, betas[trial % betas.length]);
      Differential.assertMatchesTfLite(m, new byte[][] {randomFull(r, DataType.FLOAT32, prod(shape))});
    }
  }
}
