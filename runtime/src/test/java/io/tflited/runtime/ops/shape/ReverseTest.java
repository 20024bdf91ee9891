package io.tflited.runtime.ops.shape;

import io.tflited.runtime.model.fb.ReverseSequenceOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ReverseV2Options;
import io.tflited.runtime.ops.math.SingleOp;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** REVERSE_V2 and REVERSE_SEQUENCE. */
class ReverseTest {
  static int cases;

  /** One REVERSE_V2 node per entry of {@code axesPerNode}, chained. */
  static byte[] reverse(DataType t, DataType at, int[] s, int[]... axesPerNode) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, s, OpHarness.quant(t));
    int first = x;
    for (int k = 0; k < axesPerNode.length; k++) {
      int a = OpHarness.intConstant(b, "axis" + k, at, new int[] {axesPerNode[k].length},
          axesPerNode[k]);
      int y = b.addTensor("y" + k, t, s, OpHarness.quant(t));
      b.addOperator(BuiltinOperator.REVERSE_V2, 1, new int[] {x, a}, new int[] {y},
          BuiltinOptions.ReverseV2Options, fbb -> {
            ReverseV2Options.startReverseV2Options(fbb);
            return ReverseV2Options.endReverseV2Options(fbb);
          });
      x = y;
    }
    return b.setInputs(first).setOutputs(x).buildBytes();
  }

  static byte[] reverseSequence(DataType t, DataType lt, int[] s, int seqDim, int batchDim) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, s, OpHarness.quant(t));
    int l = b.addTensor("len", lt, new int[] {s[batchDim]});
    int y = b.addTensor("y", t, s, OpHarness.quant(t));
    b.addOperator(BuiltinOperator.REVERSE_SEQUENCE, 1, new int[] {x, l}, new int[] {y},
        BuiltinOptions.ReverseSequenceOptions,
        fbb -> ReverseSequenceOptions.createReverseSequenceOptions(fbb, seqDim, batchDim));
    return b.setInputs(x, l).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] in = OpHarness.ints(0, 1, 2, 3, 4, 5);
    assertArrayEquals(OpHarness.ints(2, 1, 0, 5, 4, 3),
        OpHarness.run(reverse(DataType.INT32, DataType.INT32, new int[] {2, 3}, new int[] {-1}),
            in)[0]);
    assertArrayEquals(OpHarness.ints(5, 4, 3, 2, 1, 0),
        OpHarness.run(reverse(DataType.INT32, DataType.INT64, new int[] {2, 3}, new int[] {0, 1}),
            in)[0]);
    // batch_dim 0, seq_dim 1: row 0 reverses 2 elements, row 1 all 3.
    assertArrayEquals(OpHarness.ints(1, 0, 2, 5, 4, 3),
        OpHarness.run(reverseSequence(DataType.INT32, DataType.INT32, new int[] {2, 3}, 1, 0), in,
            OpHarness.ints(2, 3))[0]);
    assertThrows(InvocationException.class,
        () -> OpHarness.run(reverseSequence(DataType.INT32, DataType.INT32, new int[] {2, 3}, 1, 0),
            in, OpHarness.ints(4, 0)));
    assertThrows(ModelException.class, () -> SingleOp.compile(
        reverse(DataType.INT32, DataType.INT32, new int[] {2, 3}, new int[] {2})));
  }

  @Test
  void differentialReverseV2() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.UINT8, DataType.INT16, DataType.INT32,
        DataType.INT64, DataType.BOOL};
    Random r = new Random(31);
    for (int trial = 0; trial < 48; trial++) {
      DataType t = types[trial % types.length];
      int rank = 1 + r.nextInt(5);
      int[] s = OpHarness.randomShape(r, rank, 4);
      DataType at = DataType.INT32;
      int axis = r.nextInt(rank);
      OpHarness.assertMatches(t, tt -> reverse(tt, at, s, new int[] {axis}), trial);
      cases++;
    }
  }

  @Test
  void multiAxisMatchesChainedSingleAxisInTfLite() throws Exception {
    io.tflited.runtime.testing.TfLiteOracle.assumeAvailable();
    Random r = new Random(32);
    for (int trial = 0; trial < 20; trial++) {
      int rank = 2 + r.nextInt(4);
      int[] s = OpHarness.randomShape(r, rank, 4);
      int a0 = r.nextInt(rank);
      int a1 = (a0 + 1 + r.nextInt(rank - 1)) % rank;
      DataType t = trial % 2 == 0 ? DataType.FLOAT32 : DataType.INT32;
      byte[] multi = reverse(t, DataType.INT32, s, new int[] {a0, a1 - rank});
      byte[] chain = reverse(t, DataType.INT32, s, new int[] {a0}, new int[] {a1});
      byte[][] in = Differential.randomInputs(OpHarness.inputInfos(multi), trial, 10);
      assertArrayEquals(io.tflited.runtime.testing.TfLiteOracle.run(chain, in)[0],
          OpHarness.run(multi, in)[0], "trial " + trial);
      cases++;
    }
  }

  @Test
  void differentialReverseSequence() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.UINT8, DataType.INT16, DataType.INT32,
        DataType.INT64};
    Random r = new Random(33);
    for (int trial = 0; trial < 40; trial++) {
      DataType t = types[trial % types.length];
      int rank = 2 + r.nextInt(3);
      int[] s = OpHarness.randomShape(r, rank, 5);
      int seqDim = r.nextInt(rank);
      int batchDim = (seqDim + 1 + r.nextInt(rank - 1)) % rank;
      DataType lt = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      byte[] m = reverseSequence(t, lt, s, seqDim, batchDim);
      byte[][] in = Differential.randomInputs(OpHarness.inputInfos(m), trial, 10);
      long[] lens = new long[s[batchDim]];
      for (int i = 0; i < lens.length; i++) {
        lens[i] = r.nextInt(s[seqDim] + 1);
      }
      if (lt == DataType.INT32) {
        int[] li = new int[lens.length];
        for (int i = 0; i < li.length; i++) {
          li[i] = (int) lens[i];
        }
        in[1] = OpHarness.ints(li);
      } else {
        in[1] = OpHarness.longs(lens);
      }
      OpHarness.assertMatches(t, tt -> reverseSequence(tt, lt, s, seqDim, batchDim), in);
      cases++;
    }
    System.out.println("ReverseTest oracle cases so far: " + cases);
  }
}
