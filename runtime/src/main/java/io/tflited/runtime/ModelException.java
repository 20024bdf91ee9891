package io.tflited.runtime;

/**
 * A model cannot be loaded or prepared: the file is corrupt or hostile, uses an operator or
 * type tflited does not support, or its tensors are inconsistent with the operators that use
 * them. The message says what failed, on what, the value and the rule.
 */
public final class ModelException extends TfLitedException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
