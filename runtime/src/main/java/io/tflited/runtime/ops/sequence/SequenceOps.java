package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class SequenceOps {
  private SequenceOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, 3, new UnidirectionalSequenceLstm());
    r.add(BuiltinOperator.SVDF, 4, new Svdf());
    r.add(BuiltinOperator.LSTM, 4, new Lstm());
    r.add(BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM, 3, new BidirectionalSequenceLstm());
    r.add(BuiltinOperator.RNN, 3, new Rnn());
    r.add(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN, 3, new UnidirectionalSequenceRnn());
    r.add(BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN, 3, new BidirectionalSequenceRnn());
  }
}
