package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ReshapeOptions;
import io.tflited.runtime.model.fb.ShapeOptions;
import io.tflited.runtime.model.fb.SqueezeOptions;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RESHAPE, SQUEEZE, EXPAND_DIMS and SHAPE. */
class ReshapeTest {
  static byte[] reshape(DataType t, int[] in, int[] newShape, int[] outShape, boolean asTensor,
      boolean asOption) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int y = b.addTensor("y", t, outShape, quant(t));
    int[] ins = {x};
    if (asTensor) {
      ins = new int[] {x, b.addInt32Constant("shape", new int[] {newShape.length}, newShape)};
    }
    if (asOption) {
      b.addOperator(BuiltinOperator.RESHAPE, 1, ins, new int[] {y}, BuiltinOptions.ReshapeOptions,
          fbb -> ReshapeOptions.createReshapeOptions(fbb, ReshapeOptions.createNewShapeVector(fbb, newShape)));
    } else {
      b.addOperator(BuiltinOperator.RESHAPE, 1, ins, new int[] {y});
    }
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static int[] outShape(byte[] model) throws Exception {
    return outputInfos(model).get(0).shape();
  }

  @Test
  void infersMinusOneAndCopiesBytes() throws Exception {
    byte[] m = reshape(DataType.FLOAT32, new int[] {2, 3, 4}, new int[] {4, -1}, new int[] {4, 6}, true, false);
    assertArrayEquals(new int[] {4, 6}, outShape(m));
    float[] v = new float[24];
    for (int i = 0; i < 24; i++) {
      v[i] = i * 1.5f - 3;
    }
    assertArrayEquals(floats(v), run(m, floats(v))[0]);
  }

  @Test
  void optionShapeAndLegacyScalar() throws Exception {
    assertArrayEquals(new int[] {3, 2},
        outShape(reshape(DataType.UINT8, new int[] {6}, new int[] {3, 2}, new int[] {3, 2}, false, true)));
    assertArrayEquals(new int[] {},
        outShape(reshape(DataType.INT8, new int[] {1, 1}, new int[] {0}, new int[] {}, false, true)));
    // The int32 shape tensor wins over the option.
    assertArrayEquals(new int[] {2, 3},
        outShape(reshape(DataType.INT32, new int[] {6}, new int[] {2, 3}, new int[] {2, 3}, true, false)));
  }

  @Test
  void rejectsBadShapes() {
    assertThrows(ModelException.class, () -> compile(
        reshape(DataType.FLOAT32, new int[] {2, 3}, new int[] {4, -1}, new int[] {4, 2}, true, false)));
    assertThrows(ModelException.class, () -> compile(
        reshape(DataType.FLOAT32, new int[] {2, 3}, new int[] {-1, -1}, new int[] {6, 1}, true, false)));
  }

  static void compile(byte[] m) throws Exception {
    CompiledModel.fromBuffer(ByteBuffer.wrap(m), InterpreterOptions.defaults());
  }

  @Test
  void differentialReshape() throws Exception {
    Random r = new Random(1);
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64, DataType.BOOL};
    for (int trial = 0; trial < 21; trial++) {
      DataType t = types[trial % types.length];
      int[] in = randomShape(r, 1 + r.nextInt(4), 4);
      int n = prod(in);
      int[] ns = r.nextBoolean() ? new int[] {n} : new int[] {1, n};
      if (n % 2 == 0 && r.nextBoolean()) {
        ns = new int[] {2, -1};
      }
      int[] os = ns.clone();
      for (int i = 0; i < os.length; i++) {
        if (os[i] == -1) {
          os[i] = n / 2;
        }
      }
      int[] nsf = ns;
      boolean opt = r.nextBoolean();
      assertMatches(t, tt -> reshape(tt, in, nsf, os, true, opt), trial);
    }
  }

  static byte[] squeeze(DataType t, int[] in, int[] dims, int[] out) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int y = b.addTensor("y", t, out, quant(t));
    b.addOperator(BuiltinOperator.SQUEEZE, 1, new int[] {x}, new int[] {y}, BuiltinOptions.SqueezeOptions,
        fbb -> SqueezeOptions.createSqueezeOptions(fbb, SqueezeOptions.createSqueezeDimsVector(fbb, dims)));
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void squeezeShapes() throws Exception {
    assertArrayEquals(new int[] {3, 2}, outShape(squeeze(DataType.FLOAT32, new int[] {1, 3, 1, 2}, new int[0], new int[] {3, 2})));
    assertArrayEquals(new int[] {3, 1, 2}, outShape(squeeze(DataType.FLOAT32, new int[] {1, 3, 1, 2}, new int[] {-4}, new int[] {3, 1, 2})));
    assertThrows(ModelException.class, () -> compile(squeeze(DataType.FLOAT32, new int[] {1, 3}, new int[] {1}, new int[] {1})));
    for (DataType t : new DataType[] {DataType.FLOAT32, DataType.UINT8, DataType.INT16, DataType.BOOL}) {
      assertMatches(t, tt -> squeeze(tt, new int[] {1, 3, 1, 2}, new int[] {0, -2}, new int[] {3, 2}), 7);
    }
  }

  static byte[] expandDims(DataType t, DataType axisType, int[] in, int axis, int[] out) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int a = intConstant(b, "axis", axisType, new int[] {}, axis);
    int y = b.addTensor("y", t, out, quant(t));
    b.addOperator(BuiltinOperator.EXPAND_DIMS, 1, new int[] {x, a}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void expandDims() throws Exception {
    int[] in = {2, 3};
    int[][] outs = {{1, 2, 3}, {2, 1, 3}, {2, 3, 1}};
    for (int axis = -3; axis <= 2; axis++) {
      int[] o = outs[axis < 0 ? axis + 3 : axis];
      int ax = axis;
      assertArrayEquals(o, outShape(expandDims(DataType.FLOAT32, DataType.INT32, in, axis, o)));
      for (DataType t : new DataType[] {DataType.FLOAT32, DataType.INT8, DataType.INT16, DataType.INT64}) {
        assertMatches(t, tt -> expandDims(tt, ax < 0 ? DataType.INT64 : DataType.INT32, in, ax, o), ax + 10);
      }
    }
    assertThrows(ModelException.class, () -> compile(expandDims(DataType.FLOAT32, DataType.INT32, in, 3, new int[] {2, 3, 1})));
  }

  static byte[] shape(DataType in, DataType out, int[] s) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", in, s, quant(in));
    int y = b.addTensor("y", out, new int[] {s.length});
    b.addOperator(BuiltinOperator.SHAPE, 1, new int[] {x}, new int[] {y}, BuiltinOptions.ShapeOptions,
        fbb -> ShapeOptions.createShapeOptions(fbb, (byte) out.code()));
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void shapeOp() throws Exception {
    byte[] m = shape(DataType.FLOAT32, DataType.INT32, new int[] {2, 5, 7});
    assertArrayEquals(ints(2, 5, 7), run(m, new byte[4 * 70])[0]);
    byte[] m64 = shape(DataType.UINT8, DataType.INT64, new int[] {3, 1});
    assertArrayEquals(longs(3, 1), run(m64, new byte[3])[0]);
    assertMatches(DataType.FLOAT32, tt -> shape(tt, DataType.INT32, new int[] {4, 2, 1, 3}), 3);
    assertMatches(DataType.INT8, tt -> shape(tt, DataType.INT64, new int[] {4, 2}), 3);
  }

  @Test
  void shapeFeedsReshape() throws Exception {
    // SHAPE is value independent, so a RESHAPE whose shape comes from it still has a known shape.
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {2, 3});
    int z = b.addTensor("z", DataType.FLOAT32, new int[] {3, 2});
    int s = b.addTensor("s", DataType.INT32, new int[] {2});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {3, 2});
    b.addOperator(BuiltinOperator.SHAPE, 1, new int[] {z}, new int[] {s});
    b.addOperator(BuiltinOperator.RESHAPE, 1, new int[] {x, s}, new int[] {y});
    byte[] m = b.setInputs(x, z).setOutputs(y).buildBytes();
    assertArrayEquals(new int[] {3, 2}, outShape(m));
    byte[] in = floats(1, 2, 3, 4, 5, 6);
    assertArrayEquals(in, run(m, in, new byte[24])[0]);
    assertTrue(Quantization.NONE != null);
  }
}
