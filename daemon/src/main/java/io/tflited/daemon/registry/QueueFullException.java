package io.tflited.daemon.registry;

/** The model's request queue is full (or the model is being retired). */
public final class QueueFullException extends Exception {
  private static final long serialVersionUID = 1L;

  public QueueFullException(String message) {
    super(message, null, false, false);
  }
}
