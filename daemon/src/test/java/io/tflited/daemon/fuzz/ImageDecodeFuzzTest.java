package io.tflited.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.http.ApiException;
import io.tflited.daemon.http.Images;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.fuzz.FuzzCorpus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the classify endpoint's image path: decode (PNG, JPEG, BMP, GIF
 * through javax.imageio, with the daemon's default pixel limit), resize to a model input and
 * convert. A bad image must be an {@link ApiException} with a 4xx status; any other exception,
 * an OutOfMemoryError (an image bomb must be refused by its declared size before its pixels are
 * allocated) or a timeout is a finding.
 */
class ImageDecodeFuzzTest {
  private static final long MAX_PIXELS = new DaemonConfig().maxImagePixels;
  private static final TensorInfo INPUT =
      new TensorInfo(0, "image", DataType.UINT8, new int[] {1, 32, 32, 3}, Quantization.NONE);

  @BeforeAll
  static void seedCorpus() {
    FuzzCorpus.seed(ImageDecodeFuzzTest.class, "decodeImage", List.copyOf(ImageSeeds.all().values()));
  }

  @Test
  void everySeedDecodesToItsSize() throws ApiException {
    for (Map.Entry<String, byte[]> e : ImageSeeds.all().entrySet()) {
      Images.Rgb img = Images.decode(e.getValue(), MAX_PIXELS);
      assertEquals(ImageSeeds.WIDTH, img.width(), e.getKey());
      assertEquals(ImageSeeds.HEIGHT, img.height(), e.getKey());
      assertEquals(INPUT.byteSize(), Images.toTensor(Images.resize(img, 32, 32), INPUT,
          new float[] {0}, new float[] {255}).length, e.getKey());
    }
  }

  /** The first finding: a 57-byte BMP whose header asks the JDK reader for a 1 GiB buffer. */
  @Test
  void bmpWithEmbeddedImageIsRefusedBeforeItsBuffer() throws Exception {
    byte[] bomb = regressionInput("bmp-embedded-png-declares-1gib");
    ApiException e = assertThrows(ApiException.class, () -> Images.decode(bomb, MAX_PIXELS));
    assertEquals(415, e.status(), e.getMessage());
  }

  static byte[] regressionInput(String name) throws Exception {
    try (var in = ImageDecodeFuzzTest.class.getResourceAsStream(
        "ImageDecodeFuzzTestInputs/decodeImage/" + name)) {
      return in.readAllBytes();
    }
  }

  @FuzzTest(maxDuration = "25s")
  void decodeImage(byte[] data) {
    try {
      Images.Rgb img = Images.decode(data, MAX_PIXELS);
      Images.toTensor(Images.resize(img, 32, 32), INPUT, new float[] {0}, new float[] {255});
    } catch (ApiException e) {
      if (e.status() < 400 || e.status() >= 500) {
        throw new AssertionError("image refused with status " + e.status() + ": " + e.getMessage(), e);
      }
    }
  }
}
