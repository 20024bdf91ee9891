package io.tflited.converter.keras;

/** A Keras model that cannot be read or converted; the message names the layer and the rule. */
public final class ConversionException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConversionException(String message) {
    super(message);
  }

  public ConversionException(String message, Throwable cause) {
    super(message, cause);
  }
}
