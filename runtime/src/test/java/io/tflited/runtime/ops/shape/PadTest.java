package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PAD and PADV2. */
class PadTest {
  static byte[] pad(DataType t, DataType pt, int[] in, int[][] pads, Quantization outQ,
      byte[] constant) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int[] flat = new int[2 * in.length];
    int[] out = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      flat[2 * i] = pads[i][0];
      flat[2 * i + 1] = pads[i][1];
      out[i] = in[i] + pads[i][0] + pads[i][1];
    }
    int p = intConstant(b, "pads", pt, new int[] {in.length, 2}, flat);
    int y = b.addTensor("y", t, out, outQ == null ? quant(t) : outQ);
    if (constant == null) {
      b.addOperator(BuiltinOperator.PAD, 1, new int[] {x, p}, new int[] {y});
    } else {
      int c = b.addConstant("c", t, new int[] {}, outQ == null ? quant(t) : outQ, constant);
      b.addOperator(BuiltinOperator.PADV2, 1, new int[] {x, p, c}, new int[] {y});
    }
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] m = pad(DataType.FLOAT32, DataType.INT32, new int[] {1, 2}, new int[][] {{1, 0}, {1, 2}}, null, null);
    assertArrayEquals(floats(0, 0, 0, 0, 0, 0, 1, 2, 0, 0), run(m, floats(1, 2))[0]);
    // Quantized PAD fills with the output zero point.
    byte[] q = pad(DataType.UINT8, DataType.INT64, new int[] {2}, new int[][] {{1, 1}}, Quantization.of(0.25f, 7), null);
    assertArrayEquals(new byte[] {7, 10, 20, 7}, run(q, new byte[] {10, 20})[0]);
    byte[] v2 = pad(DataType.INT16, DataType.INT32, new int[] {2}, new int[][] {{0, 2}}, null, shorts(-300));
    assertArrayEquals(shorts(5, 6, -300, -300), run(v2, shorts(5, 6))[0]);
    assertThrows(ModelException.class, () -> ReshapeTest.compile(
        pad(DataType.FLOAT32, DataType.INT32, new int[] {2}, new int[][] {{-1, 0}}, null, null)));
  }

  static final DataType[] TYPES = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
      DataType.INT32, DataType.INT64};

  @Test
  void differential() throws Exception {
    Random r = new Random(21);
    for (int trial = 0; trial < 48; trial++) {
      DataType t = TYPES[trial % TYPES.length];
      int rank = 1 + r.nextInt(4);
      int[] in = randomShape(r, rank, 4);
      int[][] pads = new int[rank][2];
      for (int[] p : pads) {
        p[0] = r.nextInt(3);
        p[1] = r.nextInt(3);
      }
      // TFLite 2.4.1 reads int64 paddings as if they were int32 (a bug fixed later), so the
      // oracle only sees int32 paddings; int64 is checked by hand above.
      DataType pt = DataType.INT32;
      Quantization oq = (t == DataType.UINT8 || t == DataType.INT8) && r.nextBoolean()
          ? Quantization.of(0.1f, t == DataType.UINT8 ? 200 : -100) : null;
      byte[] cv = null;
      if (trial % 3 == 0) {
        cv = new byte[t.byteSize()];
        r.nextBytes(cv);
        if (t == DataType.FLOAT32) {
          cv = floats(r.nextFloat() * 4 - 2);
        }
      }
      byte[] fcv = cv;
      if (t == DataType.INT16 && fcv != null) {
        // The int32 twin of the model needs the sign-extended constant.
        assertMatches(t, tt -> pad(tt, pt, in, pads, oq, tt == DataType.INT32 ? widen(fcv) : fcv), trial);
      } else {
        assertMatches(t, tt -> pad(tt, pt, in, pads, oq, fcv), trial);
      }
    }
  }

  @Test
  void seanetPadMatchesGolden() throws Exception {
    Path model = SharedModels.require("tflite-micro/seanet/pad/pad0.tflite");
    Path g = SharedModels.require("golden/tflite-micro/seanet/pad/pad0");
    byte[][] out = run(Files.readAllBytes(model), Files.readAllBytes(g.resolve("input_0.bin")));
    assertArrayEquals(Files.readAllBytes(g.resolve("output_0.bin")), out[0]);
  }
}
