package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.ops.sequence.UnidirectionalSequenceLstmTest.Config;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LSTM (kernel FULL, one time step per invocation), stateful, vs TFLite 2.4.1. */
class LstmTest {
  /** The same random configurations as the sequence op, with one time step. */
  private static Config config(Random r, boolean layerNorm, boolean zeroHiddenZp) {
    Config b = UnidirectionalSequenceLstmTest.randomConfig(r, true);
    return new Config(b.batch(), 1, b.nInput(), b.nCell(), b.nOutput(), true, b.cifg(), b.peephole(),
        b.projection(), b.projectionBias(), layerNorm, b.cellClip(), b.projClip(),
        zeroHiddenZp ? 0 : b.hiddenZp());
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(31);
    for (int k = 0; k < 40; k++) {
      Config c = config(r, r.nextInt(3) == 0, true);
      StatefulDiff.assertSequenceMatches(UnidirectionalSequenceLstmTest.model(c, false, false, false, 100 + k, true),
          UnidirectionalSequenceLstmTest.stepInputs(c, false, 200 + k, 4), k + " " + c);
    }
  }

  @Test
  void hybridMatchesTfLite() throws Exception {
    Random r = new Random(32);
    for (int k = 0; k < 40; k++) {
      Config c = config(r, r.nextInt(3) == 0, true);
      boolean asymmetric = k % 2 == 1;
      StatefulDiff.assertSequenceMatches(
          UnidirectionalSequenceLstmTest.model(c, false, true, asymmetric, 300 + k, true),
          UnidirectionalSequenceLstmTest.stepInputs(c, false, 400 + k, 4), k + " asymmetric=" + asymmetric + " " + c);
    }
  }

  @Test
  void int8MatchesTfLite() throws Exception {
    Random r = new Random(33);
    for (int k = 0; k < 50; k++) {
      Config c = config(r, k % 3 == 0, false);
      StatefulDiff.assertSequenceMatches(UnidirectionalSequenceLstmTest.model(c, true, false, false, 500 + k, true),
          UnidirectionalSequenceLstmTest.stepInputs(c, true, 600 + k, 4), k + " " + c);
    }
  }
}
