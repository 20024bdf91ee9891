package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.lite.Tensor;

/**
 * Differential testing of stateful models: runs one tflited interpreter and one TFLite 2.4.1
 * interpreter on the same sequence of inputs and compares the outputs of every invocation.
 */
final class StatefulDiff {
  private StatefulDiff() {}

  static void assertSequenceMatches(ByteBuffer model, byte[][][] inputsPerStep, String label)
      throws Exception {
    TfLiteOracle.assumeAvailable();
    byte[] bytes = new byte[model.remaining()];
    model.duplicate().get(bytes);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
    direct.put(bytes).rewind();
    CompiledModel compiled =
        CompiledModel.fromBuffer(ByteBuffer.wrap(bytes), InterpreterOptions.defaults());
    try (org.tensorflow.lite.Interpreter tfl =
            new org.tensorflow.lite.Interpreter(
                direct, new org.tensorflow.lite.Interpreter.Options().setNumThreads(1));
        Interpreter it = compiled.newInterpreter()) {
      for (int step = 0; step < inputsPerStep.length; step++) {
        byte[][] inputs = inputsPerStep[step];
        Object[] ins = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
          ByteBuffer b = ByteBuffer.allocateDirect(inputs[i].length).order(ByteOrder.nativeOrder());
          b.put(inputs[i]).rewind();
          ins[i] = b;
          it.copyInput(i, inputs[i]);
        }
        tfl.runForMultipleInputsOutputs(ins);
        it.run();
        byte[][] expected = new byte[tfl.getOutputTensorCount()][];
        byte[][] actual = new byte[it.outputCount()][];
        for (int i = 0; i < expected.length; i++) {
          Tensor t = tfl.getOutputTensor(i);
          ByteBuffer b = ByteBuffer.allocateDirect(t.numBytes()).order(ByteOrder.nativeOrder());
          t.copyTo(b);
          b.rewind();
          expected[i] = new byte[t.numBytes()];
          b.get(expected[i]);
          actual[i] = it.outputBytes(i);
        }
        Differential.assertOutputsMatch(compiled.outputs(), expected, actual, label + " step " + step);
      }
    }
  }
}
