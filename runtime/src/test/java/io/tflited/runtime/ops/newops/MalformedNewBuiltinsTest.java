package io.tflited.runtime.ops.newops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.math.SingleOp;
import org.junit.jupiter.api.Test;

/**
 * Every new builtin given 0 to 4 inputs of each of several types and shapes (scalar, empty,
 * rank 1, rank 3): preparing must either succeed or fail with a ModelException, never escape
 * with another exception; input counts TFLite rejects must be rejected.
 */
class MalformedNewBuiltinsTest {
  static final int[] OPS = {BuiltinOperator.SIGN, BuiltinOperator.ATAN2,
      BuiltinOperator.RELU_0_TO_1, BuiltinOperator.BITWISE_XOR, BuiltinOperator.RIGHT_SHIFT,
      BuiltinOperator.BITCAST, BuiltinOperator.BROADCAST_ARGS,
      BuiltinOperator.UNSORTED_SEGMENT_SUM, BuiltinOperator.UNSORTED_SEGMENT_PROD,
      BuiltinOperator.UNSORTED_SEGMENT_MAX, BuiltinOperator.UNSORTED_SEGMENT_MIN,
      BuiltinOperator.DYNAMIC_UPDATE_SLICE};
  static final int[] ARITY = {1, 2, 1, 2, 2, 1, 2, 3, 3, 3, 3, 3};

  @Test
  void preparesOrRejectsCleanly() {
    DataType[] types = {DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.INT8,
        DataType.BOOL, DataType.FLOAT16};
    int[][] shapes = {{}, {0}, {3}, {2, 1, 3}};
    int cases = 0;
    int rejected = 0;
    for (int k = 0; k < OPS.length; k++) {
      for (int n = 0; n <= 4; n++) {
        for (DataType t : types) {
          for (int[] shape : shapes) {
            ModelBuilder b = new ModelBuilder();
            int[] ins = new int[n];
            for (int i = 0; i < n; i++) {
              // The last input is a constant int32 (ids, num_segments, start indices).
              ins[i] = i == n - 1 && n == 3
                  ? b.addInt32Constant("c" + i, new int[] {1}, 5)
                  : b.addTensor("x" + i, t, shape);
            }
            int y = b.addTensor("y", t, shape);
            b.addOperator(OPS[k], 1, ins, new int[] {y});
            int[] graphIns = n == 3 ? java.util.Arrays.copyOf(ins, 2) : ins;
            byte[] model = b.setInputs(graphIns).setOutputs(y).buildBytes();
            cases++;
            try {
              SingleOp.compile(model);
              if (n != ARITY[k]) {
                fail(BuiltinOperator.name(OPS[k]) + " accepted " + n + " inputs");
              }
            } catch (ModelException e) {
              rejected++;
            } catch (Exception | Error e) {
              throw new AssertionError(BuiltinOperator.name(OPS[k]) + " with " + n + " " + t
                  + " inputs " + java.util.Arrays.toString(shape) + " escaped", e);
            }
          }
        }
      }
    }
    assertTrue(rejected > 0 && rejected < cases, rejected + " of " + cases + " rejected");
    System.out.println("MalformedNewBuiltinsTest: " + cases + " models, " + rejected + " rejected");
  }
}
