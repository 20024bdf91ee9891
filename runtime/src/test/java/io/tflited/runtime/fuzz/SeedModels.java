package io.tflited.runtime.fuzz;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.ArrayList;
import java.util.List;

/**
 * Small models of our own (built with {@link ModelBuilder}) that reach the loader's less common
 * parts: quantization parameters, constants, variables, signatures of shape, several operators.
 * They seed the loader fuzz targets next to the real models.
 */
final class SeedModels {
  private SeedModels() {}

  static List<byte[]> all() {
    List<byte[]> out = new ArrayList<>();
    {
      ModelBuilder b = new ModelBuilder();
      int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 4});
      int c = b.addFloatConstant("c", new int[] {4}, 1f, -2f, 3f, -4f);
      int s = b.addTensor("s", DataType.FLOAT32, new int[] {1, 4});
      int y = b.addTensor("y", DataType.FLOAT32, new int[] {1, 4});
      b.addOperator(BuiltinOperator.ADD, 1, new int[] {x, c}, new int[] {s});
      b.addOperator(BuiltinOperator.RELU, 1, new int[] {s}, new int[] {y});
      b.setInputs(x).setOutputs(y).setDescription("seed: add relu");
      out.add(b.buildBytes());
    }
    {
      ModelBuilder b = new ModelBuilder();
      Quantization q = new Quantization(new float[] {0.5f}, new long[] {-3}, 0);
      int x = b.addTensor("x", DataType.INT8, new int[] {1, 2, 3}, q, new int[] {-1, 2, 3});
      int shape = b.addInt32Constant("shape", new int[] {2}, 3, 2);
      int y = b.addTensor("y", DataType.INT8, new int[] {3, 2}, q);
      b.addOperator(BuiltinOperator.RESHAPE, 1, new int[] {x, shape}, new int[] {y});
      b.setInputs(x).setOutputs(y);
      out.add(b.buildBytes());
    }
    {
      ModelBuilder b = new ModelBuilder();
      int params = b.addFloatConstant("params", new int[] {4, 2}, 1, 2, 3, 4, 5, 6, 7, 8);
      int idx = b.addTensor("idx", DataType.INT32, new int[] {3});
      int y = b.addTensor("y", DataType.FLOAT32, new int[] {3, 2});
      b.addOperator(BuiltinOperator.GATHER, 1, new int[] {params, idx}, new int[] {y});
      b.setInputs(idx).setOutputs(y);
      out.add(b.buildBytes());
    }
    return out;
  }
}
