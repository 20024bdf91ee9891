package io.tflited.runtime;

/**
 * Root of the runtime's own checked exceptions. Callers (the CLI, the daemon) map the two
 * kinds to user-facing errors: a {@link ModelException} means the model file or its
 * configuration cannot be used; an {@link InvocationException} means one inference failed
 * because of the data it was given.
 */
public abstract sealed class TfLitedException extends Exception
    permits ModelException, InvocationException {
  private static final long serialVersionUID = 1L;

  protected TfLitedException(String message) {
    super(message);
  }

  protected TfLitedException(String message, Throwable cause) {
    super(message, cause);
  }
}
