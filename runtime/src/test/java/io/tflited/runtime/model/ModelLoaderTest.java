package io.tflited.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.SharedModels;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModelLoaderTest {
  private static ModelException load(byte[] bytes) {
    return assertThrows(
        ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(bytes), InterpreterOptions.defaults()));
  }

  @Test
  void rejectsEmptyAndTinyFiles() {
    assertTrue(load(new byte[0]).getMessage().contains("too short"));
    assertTrue(load(new byte[7]).getMessage().contains("too short"));
  }

  @Test
  void rejectsWrongIdentifier() {
    byte[] b = new byte[64];
    b[4] = 'P';
    b[5] = 'K';
    assertTrue(load(b).getMessage().contains("file identifier"), load(b).getMessage());
  }

  @Test
  void namesUnsupportedCustomOpVersionAndNode() throws Exception {
    var model = SharedModels.require("google-coral-test_data/invalid_models/model_invoking_error.tflite");
    ModelException e = load(Files.readAllBytes(model));
    assertTrue(e.getMessage().contains("fake-op-double"), e.getMessage());
    assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    assertTrue(e.getMessage().contains("node 0"), e.getMessage());
  }

  @Test
  void namesUnsupportedBuiltinOp() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {2});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {2});
    b.addOperator(BuiltinOperator.RANDOM_UNIFORM, 1, new int[] {x}, new int[] {y});
    b.setInputs(x).setOutputs(y);
    ModelException e = load(b.buildBytes());
    assertEquals("unsupported operator RANDOM_UNIFORM (version 1) at node 0", e.getMessage());
  }

  @Test
  void rejectsTruncatedRealModelsAtEveryCut() throws Exception {
    byte[] full = Files.readAllBytes(SharedModels.require("tflite-micro/hello_world/hello_world_int8.tflite"));
    for (int cut = 0; cut < full.length; cut += 7) {
      byte[] t = Arrays.copyOf(full, cut);
      assertThrows(
          ModelException.class,
          () -> CompiledModel.fromBuffer(ByteBuffer.wrap(t), InterpreterOptions.defaults()),
          "cut at " + cut);
    }
  }

  @Test
  void rejectsNegativeDimensions() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, -3});
    b.setInputs(x).setOutputs(x);
    assertTrue(load(b.buildBytes()).getMessage().contains("negative dimension"));
  }

  @Test
  void rejectsHugeDeclaredSizes() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1 << 20, 1 << 20});
    b.setInputs(x).setOutputs(x);
    assertTrue(load(b.buildBytes()).getMessage().contains("2 GiB"));
  }

  @Test
  void rejectsConstantWithWrongByteCount() {
    ModelBuilder b = new ModelBuilder();
    int c = b.addConstant("c", DataType.FLOAT32, new int[] {4}, Quantization.NONE, new byte[12]);
    b.setInputs().setOutputs(c);
    assertTrue(load(b.buildBytes()).getMessage().contains("needs 16"));
  }

  @Test
  void rejectsReadBeforeWrite() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {2});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {2});
    int z = b.addTensor("z", DataType.FLOAT32, new int[] {2});
    // z is read by node 0 but only written by node 1: out of order (or a cycle).
    b.addOperator(BuiltinOperator.RELU, 1, new int[] {z}, new int[] {y});
    b.addOperator(BuiltinOperator.RELU, 1, new int[] {x}, new int[] {z});
    b.setInputs(x).setOutputs(y);
    assertTrue(load(b.buildBytes()).getMessage().contains("before any operator writes it"));
  }

  @Test
  void everySharedModelLoads() throws Exception {
    var root = SharedModels.require(".");
    try (var s = Files.walk(root)) {
      for (var p : s.filter(f -> f.toString().endsWith(".tflite")).toList()) {
        if (p.toString().contains("invalid_models")) {
          continue;
        }
        ModelFile f = ModelFile.open(p);
        assertTrue(f.graph().nodes().size() > 0, p.toString());
      }
    }
  }
}
