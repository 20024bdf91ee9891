package io.tflited.daemon.cli;

/** A command could not do its work (bad model, missing file): one line, exit code 1. */
public final class CommandFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  public CommandFailedException(String message) {
    super(message);
  }

  public CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
