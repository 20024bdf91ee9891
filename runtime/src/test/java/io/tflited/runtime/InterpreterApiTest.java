package io.tflited.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ReshapeOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API: tensors, signatures, resize + re-plan, copy in/out, sharing a model. */
class InterpreterApiTest {
  /** y = relu(x + c) with a signature, and a dynamic batch dimension. */
  private static byte[] addReluModel() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 3}, Quantization.NONE, new int[] {-1, 3});
    int c = b.addFloatConstant("c", new int[] {3}, 1f, -2f, 0.5f);
    int s = b.addTensor("sum", DataType.FLOAT32, new int[] {1, 3});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {1, 3});
    b.addOperator(BuiltinOperator.ADD, 1, new int[] {x, c}, new int[] {s},
        BuiltinOptions.AddOptions, fbb -> AddOptions.createAddOptions(fbb, (byte) 0, true));
    b.addOperator(BuiltinOperator.RELU, 1, new int[] {s}, new int[] {y});
    b.setInputs(x).setOutputs(y);
    b.addSignature("serving_default", Map.of("features", x), Map.of("scores", y));
    return b.buildBytes();
  }

  @Test
  void runsAndExposesTensors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("m.tflite");
    Files.write(file, addReluModel());
    CompiledModel model = CompiledModel.open(file);
    assertEquals(1, model.inputs().size());
    assertEquals("x", model.inputs().get(0).name());
    assertEquals(DataType.FLOAT32, model.outputs().get(0).dataType());
    assertArrayEquals(new int[] {1, 3}, model.outputs().get(0).shape());
    assertTrue(model.arenaBytes() > 0);
    try (Interpreter it = model.newInterpreter()) {
      it.copyInput(0, new float[] {1f, 1f, -1f});
      it.run();
      assertArrayEquals(new float[] {2f, 0f, 0f}, it.outputFloats(0));
      assertEquals(0, it.signatureInputPosition("serving_default", "features"));
      assertEquals(0, it.signatureOutputPosition("serving_default", "scores"));
      assertEquals(-1, it.signatureInputPosition("serving_default", "nope"));
    }
  }

  @Test
  void wrongInputSizeIsAnInvocationError() throws Exception {
    CompiledModel model = CompiledModel.fromBuffer(ByteBuffer.wrap(addReluModel()), InterpreterOptions.defaults());
    try (Interpreter it = model.newInterpreter()) {
      InvocationException e = assertThrows(InvocationException.class, () -> it.copyInput(0, new byte[5]));
      assertTrue(e.getMessage().contains("needs 12 bytes, got 5"), e.getMessage());
    }
  }

  @Test
  void resizeReplansAndKeepsOtherInterpretersIntact() throws Exception {
    CompiledModel model = CompiledModel.fromBuffer(ByteBuffer.wrap(addReluModel()), InterpreterOptions.defaults());
    Interpreter a = model.newInterpreter();
    Interpreter b = model.newInterpreter();
    b.resizeInput(0, 4, 3);
    b.allocateTensors();
    assertArrayEquals(new int[] {4, 3}, b.output(0).shape());
    assertArrayEquals(new int[] {1, 3}, a.output(0).shape());
    float[] in = new float[12];
    for (int i = 0; i < 12; i++) {
      in[i] = i - 6;
    }
    b.copyInput(0, in);
    b.run();
    float[] out = b.outputFloats(0);
    float[] c = {1f, -2f, 0.5f};
    for (int i = 0; i < 12; i++) {
      assertEquals(Math.max(0f, in[i] + c[i % 3]), out[i], 0f);
    }
    a.copyInput(0, new float[] {0f, 0f, 0f});
    a.run();
    assertArrayEquals(new float[] {1f, 0f, 0.5f}, a.outputFloats(0));
  }

  @Test
  void inputBufferIsAZeroCopyView() throws Exception {
    CompiledModel model = CompiledModel.fromBuffer(ByteBuffer.wrap(addReluModel()), InterpreterOptions.defaults());
    try (Interpreter it = model.newInterpreter()) {
      ByteBuffer in = it.inputBuffer(0);
      assertEquals(ByteOrder.LITTLE_ENDIAN, in.order());
      in.putFloat(0, 5f).putFloat(4, 5f).putFloat(8, 5f);
      it.run();
      ByteBuffer out = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      it.copyOutput(0, out);
      assertEquals(6f, out.getFloat(0));
      assertEquals(3f, out.getFloat(4));
      assertEquals(5.5f, out.getFloat(8));
    }
  }

  @Test
  void constantSubgraphsAreFoldedAtPrepare() throws Exception {
    // RESHAPE's shape comes from SHAPE(x): folded while preparing, so it is known.
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {2, 3});
    int shape = b.addTensor("shape", DataType.INT32, new int[] {2});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {2, 3});
    b.addOperator(BuiltinOperator.SHAPE, 1, new int[] {x}, new int[] {shape});
    b.addOperator(BuiltinOperator.RESHAPE, 1, new int[] {x, shape}, new int[] {y},
        BuiltinOptions.ReshapeOptions, fbb -> ReshapeOptions.createReshapeOptions(fbb, 0));
    b.setInputs(x).setOutputs(y);
    CompiledModel model = CompiledModel.fromBuffer(b.build(), InterpreterOptions.defaults());
    try (Interpreter it = model.newInterpreter()) {
      it.copyInput(0, new float[] {1, 2, 3, 4, 5, 6});
      it.run();
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, it.outputFloats(0));
    }
  }
}
