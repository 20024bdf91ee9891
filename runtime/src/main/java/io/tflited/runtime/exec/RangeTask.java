package io.tflited.runtime.exec;

import io.tflited.runtime.ops.ExecContext;

/** A slice [from, to) of an op's work (output rows, channels), run by one thread. */
@FunctionalInterface
public interface RangeTask {
  void run(ExecContext ctx, int from, int to);
}
