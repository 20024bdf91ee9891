/**
 * The TFLite toolchain around the interpreter: post-training quantization of float models
 * ({@code tflited quantize}) and conversion of Keras models ({@code tflited convert}). The
 * runtime library does not depend on this module.
 */
package io.tflited.converter;
