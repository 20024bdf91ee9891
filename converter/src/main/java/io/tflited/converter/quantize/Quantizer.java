package io.tflited.converter.quantize;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.TfLitedException;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.model.ModelFile;
import java.util.List;
import java.util.Locale;

/**
 * Post-training quantization of a float TFLite model into a standard TFLite file (the {@code
 * tflited quantize} command): float16 weights, dynamic-range (hybrid) int8 weights, or full integer
 * int8 calibrated on a representative dataset.
 */
public final class Quantizer {
  /** What is quantized. */
  public enum Mode {
    FLOAT16,
    DYNAMIC,
    INT8;

    public static Mode parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** The dtype of a full-integer model's inputs and outputs. */
  public enum IoType {
    FLOAT,
    INT8,
    UINT8;

    public static IoType parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * A quantized model and the operators left in float32 (full integer mode: operators without an
   * int8 rule, as "EXP (node 3)"; empty otherwise).
   */
  public record Result(byte[] model, List<String> floatOperators) {}

  private Quantizer() {}

  /**
   * Quantizes subgraph 0 of {@code model}. {@code calibration} is required for {@link Mode#INT8}
   * and ignored otherwise; {@code io} applies to {@link Mode#INT8} only.
   */
  public static byte[] quantize(ModelFile model, Mode mode, IoType io, CalibrationData calibration)
      throws TfLitedException {
    return quantize(model, mode, io, calibration, Calibrator.Method.DEFAULT);
  }

  /** As {@link #quantize(ModelFile, Mode, IoType, CalibrationData)} with a calibration method. */
  public static byte[] quantize(
      ModelFile model, Mode mode, IoType io, CalibrationData calibration, Calibrator.Method method)
      throws TfLitedException {
    return quantizeWithDetails(model, mode, io, calibration, method).model();
  }

  /** Quantizes and reports which operators stayed float. */
  public static Result quantizeWithDetails(
      ModelFile model, Mode mode, IoType io, CalibrationData calibration, Calibrator.Method method)
      throws TfLitedException {
    if (model.subgraphCount() != 1) {
      throw new ModelException(
          "cannot quantize a model with "
              + model.subgraphCount()
              + " subgraphs: only single-subgraph models are supported");
    }
    if (HybridWeights.present(model.graph())) {
      // a dynamic-range file is quantized as the float model it stands for
      model = HybridWeights.dequantized(model);
    }
    Graph g = model.graph();
    return switch (mode) {
      case FLOAT16 -> new Result(Float16Quantizer.quantize(model), List.of());
      case DYNAMIC -> new Result(DynamicRangeQuantizer.quantize(model), List.of());
      case INT8 -> {
        if (calibration == null || calibration.size() == 0) {
          throw new IllegalArgumentException("int8 quantization needs calibration data");
        }
        yield FullIntegerQuantizer.quantize(model, Calibrator.ranges(g, calibration, method), io);
      }
    };
  }
}
