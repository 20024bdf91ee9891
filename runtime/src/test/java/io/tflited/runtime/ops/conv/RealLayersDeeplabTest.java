package io.tflited.runtime.ops.conv;

import org.junit.jupiter.api.Test;

/** The deeplab segmentation model's conv layers (dilated depthwise, large maps): see {@link RealLayersTest}. */
class RealLayersDeeplabTest {
  @Test
  void everyConvLayerMatchesTfLite() throws Exception {
    RealLayersTest.checkLayers(
        "google-coral-test_data/deeplab_mobilenet_edgetpu_slim_cityscapes_quant.tflite");
  }
}
