package io.tflited.converter.quantize;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import java.util.HashMap;
import java.util.Map;

/**
 * float16 weight quantization (TFLite's {@code target_spec.supported_types = [tf.float16]}): every
 * float32 constant an operator reads is stored as float16 (round to nearest even) and expanded by a
 * DEQUANTIZE (version 3, float16 -> float32) placed in front of its first consumer; activations
 * stay float32. The file shrinks to about half.
 */
final class Float16Quantizer {
  private Float16Quantizer() {}

  static byte[] quantize(ModelFile model) throws ModelException {
    Graph graph = model.graph();
    GraphCopy c = new GraphCopy(graph);
    Map<Integer, Integer> expanded = new HashMap<>();
    for (Node n : graph.nodes()) {
      int[] ins = n.inputs();
      int[] newIns = new int[ins.length];
      for (int i = 0; i < ins.length; i++) {
        int t = ins[i];
        if (t >= 0
            && GraphCopy.isFloatConstant(c.spec(t))
            && n.builtinCode() != GraphCopy.DEQUANTIZE) {
          Integer done = expanded.get(t);
          if (done == null) {
            done = expand(c, t);
            expanded.put(t, done);
          }
          newIns[i] = done;
        } else {
          newIns[i] = c.tensor(t);
        }
      }
      c.emit(n, n.version(), newIns, c.tensors(n.outputs()));
    }
    c.finishIo(model);
    return c.builder.buildBytes();
  }

  private static int expand(GraphCopy c, int t) {
    TensorSpec s = c.spec(t);
    float[] v = GraphCopy.floats(s);
    byte[] half = new byte[2 * v.length];
    for (int i = 0; i < v.length; i++) {
      short h = Float.floatToFloat16(v[i]);
      half[2 * i] = (byte) h;
      half[2 * i + 1] = (byte) (h >> 8);
    }
    int f16 =
        c.builder.addConstant(
            s.name() + "_fp16", DataType.FLOAT16, s.shape(), Quantization.NONE, half);
    int f32 = c.builder.addTensor(s.name(), DataType.FLOAT32, s.shape());
    c.builder.addOperator(GraphCopy.DEQUANTIZE, 3, new int[] {f16}, new int[] {f32});
    return f32;
  }
}
