package io.tflited.runtime;

/**
 * One inference failed because of the values it was given (an index out of range, a wrong
 * input size). The interpreter stays usable.
 */
public final class InvocationException extends TfLitedException {
  private static final long serialVersionUID = 1L;

  public InvocationException(String message) {
    super(message);
  }
}
