package io.tflited.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.Signature;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the FlatBuffer verifier and everything {@code tflited inspect}
 * (ModelInfo) reads from a verified file without preparing it: tensors with their types,
 * shapes, quantization and constant data, operators, signatures, metadata and description.
 * Without preparation and inference each input is cheap, so this target goes deeper into the
 * structure than {@link ModelLoaderFuzzTest}. Only {@link ModelException} may escape.
 */
class ModelInspectFuzzTest {
  @BeforeAll
  static void seedCorpus() {
    List<byte[]> seeds = new ArrayList<>(SeedModels.all());
    FuzzCorpus.sharedModels().forEach(p -> seeds.add(FuzzCorpus.read(p)));
    FuzzCorpus.seed(ModelInspectFuzzTest.class, "verifyAndInspect", seeds);
  }

  @FuzzTest(maxDuration = "25s")
  void verifyAndInspect(byte[] data) {
    ModelFile file;
    try {
      file = ModelFile.parse(ByteBuffer.wrap(data));
    } catch (ModelException rejected) {
      return;
    }
    // What ModelInfo.read touches on the file, all of which must already be verified.
    file.description().length();
    for (TensorSpec t : file.graph().tensors()) {
      t.info().toString();
      if (t.isConstant()) {
        t.constantData().remaining();
      }
    }
    for (int i : file.graph().inputs()) {
      file.graph().tensors().get(i).info();
    }
    for (int i : file.graph().outputs()) {
      file.graph().tensors().get(i).info();
    }
    for (Node n : file.graph().nodes()) {
      (n.opName() + " v" + n.version()).length();
    }
    for (Signature s : file.signatures()) {
      s.key().length();
      s.inputs().size();
      s.outputs().size();
    }
    for (Map.Entry<String, ByteBuffer> m : file.metadata().entrySet()) {
      m.getValue().remaining();
    }
  }
}
