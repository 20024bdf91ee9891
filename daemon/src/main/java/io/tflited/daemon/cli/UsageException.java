package io.tflited.daemon.cli;

/** A command line or configuration error: reported on one line, exit code 2. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
