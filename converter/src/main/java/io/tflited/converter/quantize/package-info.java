/**
 * Post-training quantization ({@code tflited quantize}): {@link
 * io.tflited.converter.quantize.Quantizer} rewrites subgraph 0 of a verified float model
 * ({@code ModelFile}) into a standard TFLite file through {@code ModelBuilder}, copying every
 * operator's builtin options generically ({@code OptionsCopier}).
 *
 * <ul>
 *   <li>float16: float32 constants stored as float16 behind DEQUANTIZE v3;
 *   <li>dynamic: symmetric int8 weights for CONV_2D / DEPTHWISE_CONV_2D (per channel) and
 *       FULLY_CONNECTED (per tensor) with at least 1024 values, run by the hybrid kernels;
 *   <li>int8: activation ranges from {@link io.tflited.converter.quantize.Calibrator} (the
 *       tflited interpreter over a {@link io.tflited.converter.quantize.CalibrationData}
 *       set), TFLite's int8 quantization specification, QUANTIZE/DEQUANTIZE at the edges.
 * </ul>
 *
 * <p>{@link io.tflited.converter.quantize.QuantizationReport} measures size, latency and
 * agreement of the variants. Every file is checked against TensorFlow Lite 2.4.1 in the tests.
 */
package io.tflited.converter.quantize;
