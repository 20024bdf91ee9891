package io.tflited.runtime.ops.logical;

import static io.tflited.runtime.ops.math.SingleOp.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT. */
class LogicalTest {
  static byte[] binary(int op, int[] a, int[] b, int[] out) {
    ModelBuilder m = new ModelBuilder();
    int x = m.addTensor("x", DataType.BOOL, a);
    int y = m.addTensor("y", DataType.BOOL, b);
    int z = m.addTensor("z", DataType.BOOL, out);
    m.addOperator(op, 1, new int[] {x, y}, new int[] {z});
    return m.setInputs(x, y).setOutputs(z).buildBytes();
  }

  static byte[] not(int[] s) {
    ModelBuilder m = new ModelBuilder();
    int x = m.addTensor("x", DataType.BOOL, s);
    int z = m.addTensor("z", DataType.BOOL, s);
    m.addOperator(BuiltinOperator.LOGICAL_NOT, 1, new int[] {x}, new int[] {z});
    return m.setInputs(x).setOutputs(z).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] a = bytes(DataType.BOOL, 0, 0, 1, 1);
    byte[] b = bytes(DataType.BOOL, 0, 1, 0, 1);
    int[] s = {4};
    assertArrayEquals(bytes(DataType.BOOL, 0, 0, 0, 1),
        run(binary(BuiltinOperator.LOGICAL_AND, s, s, s), a, b)[0]);
    assertArrayEquals(bytes(DataType.BOOL, 0, 1, 1, 1),
        run(binary(BuiltinOperator.LOGICAL_OR, s, s, s), a, b)[0]);
    assertArrayEquals(bytes(DataType.BOOL, 1, 1, 0, 0), run(not(s), a)[0]);
    // Broadcast [2,1] against [3].
    assertArrayEquals(bytes(DataType.BOOL, 0, 0, 0, 1, 0, 1),
        run(binary(BuiltinOperator.LOGICAL_AND, new int[] {2, 1}, new int[] {3}, new int[] {2, 3}),
            bytes(DataType.BOOL, 0, 1), bytes(DataType.BOOL, 1, 0, 1))[0]);
  }

  @Test
  void differential() throws Exception {
    Random r = new Random(7);
    int cases = 0;
    for (int trial = 0; trial < 40; trial++) {
      int rank = 1 + r.nextInt(4);
      int[] out = randomShape(r, rank, 4);
      int[] a = out.clone();
      int[] b = out.clone();
      for (int i = 0; i < rank; i++) {
        int p = r.nextInt(3);
        if (p == 1) {
          a[i] = 1;
        } else if (p == 2) {
          b[i] = 1;
        }
      }
      int[] bb = b;
      if (r.nextInt(4) == 0) {
        bb = java.util.Arrays.copyOfRange(b, r.nextInt(rank + 1), rank);
      }
      int op = trial % 2 == 0 ? BuiltinOperator.LOGICAL_AND : BuiltinOperator.LOGICAL_OR;
      diff(binary(op, a, bb, out), trial, 1);
      diff(not(out), trial, 1);
      cases += 2;
    }
    System.out.println("LogicalTest oracle cases: " + cases);
  }
}
