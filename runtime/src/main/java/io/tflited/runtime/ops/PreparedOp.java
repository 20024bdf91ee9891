package io.tflited.runtime.ops;

import io.tflited.runtime.InvocationException;

/**
 * A node ready to run. {@link #eval} allocates nothing and checks only data-dependent values
 * (indices, divisors); everything else was checked by {@link OpKernel#prepare}.
 */
@FunctionalInterface
public interface PreparedOp {
  void eval(ExecContext ctx) throws InvocationException;
}
