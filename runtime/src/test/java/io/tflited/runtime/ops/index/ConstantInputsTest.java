package io.tflited.runtime.ops.index;

import static io.tflited.runtime.ops.index.IndexHarness.*;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Index ops whose inputs are all constant are folded while preparing (NMS uses scratch,
 * SEGMENT_SUM is resized at prepare by TFLite); the folded values must equal TFLite's. A
 * model input feeds an ADD beside them so each model has an input.
 */
class ConstantInputsTest {
  static int dummy(ModelBuilder b) {
    int a = b.addTensor("a", DataType.FLOAT32, new int[] {1});
    int one = b.addFloatConstant("one", new int[] {1}, 1f);
    int s = b.addTensor("s", DataType.FLOAT32, new int[] {1});
    b.addOperator(BuiltinOperator.ADD, 1, new int[] {a, one}, new int[] {s});
    b.setInputs(a);
    return s;
  }

  @Test
  void foldedNmsAndSegmentSum() throws Exception {
    Random r = new Random(81);
    for (int trial = 0; trial < 10; trial++) {
      int n = 5 + r.nextInt(30);
      int maxOut = 1 + r.nextInt(n);
      ModelBuilder b = new ModelBuilder();
      int s = dummy(b);
      int boxes = b.addConstant("boxes", DataType.FLOAT32, new int[] {n, 4}, Quantization.NONE,
          NonMaxSuppressionTest.randomBoxes(r, n));
      int scores = b.addConstant("scores", DataType.FLOAT32, new int[] {n}, Quantization.NONE,
          NonMaxSuppressionTest.randomScores(r, n, trial % 2 == 0));
      int max = b.addInt32Constant("max", new int[] {}, maxOut);
      int iou = b.addFloatConstant("iou", new int[] {}, 0.2f + r.nextFloat() * 0.6f);
      int thr = b.addFloatConstant("thr", new int[] {}, r.nextFloat() * 0.3f);
      int sigma = b.addFloatConstant("sigma", new int[] {}, r.nextFloat());
      int sel = b.addTensor("selected", DataType.INT32, new int[] {maxOut});
      int selScores = b.addTensor("selected_scores", DataType.FLOAT32, new int[] {maxOut});
      int num = b.addTensor("num", DataType.INT32, new int[] {});
      b.addOperator(BuiltinOperator.NON_MAX_SUPPRESSION_V5, 1,
          new int[] {boxes, scores, max, iou, thr, sigma}, new int[] {sel, selScores, num});
      int rows = 1 + r.nextInt(6);
      int[] ids = new int[rows];
      for (int i = 1; i < rows; i++) {
        ids[i] = ids[i - 1] + r.nextInt(2);
      }
      int data = b.addConstant("data", DataType.FLOAT32, new int[] {rows, 3}, Quantization.NONE,
          randomFull(r, DataType.FLOAT32, rows * 3));
      int idsT = b.addInt32Constant("ids", new int[] {rows}, ids);
      int sum = b.addTensor("sum", DataType.FLOAT32, new int[] {ids[rows - 1] + 1, 3});
      b.addOperator(BuiltinOperator.SEGMENT_SUM, 1, new int[] {data, idsT}, new int[] {sum});
      byte[] m = b.setOutputs(s, sel, selScores, num, sum).buildBytes();
      Differential.assertMatchesTfLite(m, new byte[][] {floats(2f)});
    }
  }
}
