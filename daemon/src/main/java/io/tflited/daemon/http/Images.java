package io.tflited.daemon.http;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decoding, resizing and converting images into a model's image input. */
public final class Images {
  private Images() {}

  /** An RGB image, 3 floats per pixel in 0..255, row-major. */
  public record Rgb(int width, int height, float[] pixels) {}

  /** Decodes a PNG or JPEG, checking its declared size before decoding the pixels. */
  public static Rgb decode(byte[] data, long maxPixels) throws ApiException {
    long mark = DecodeMemory.held();
    try {
      return decodeClaimed(data, maxPixels);
    } finally {
      DecodeMemory.releaseDownTo(mark); // the decoder's buffers are garbage now
    }
  }

  private static Rgb decodeClaimed(byte[] data, long maxPixels) throws ApiException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw ApiException.badRequest("the body is not a PNG or JPEG image");
      }
      ImageReader r = readers.next();
      try {
        r.setInput(in, true, true);
        int w = r.getWidth(0);
        int h = r.getHeight(0);
        if (w <= 0 || h <= 0) {
          throw ApiException.badRequest("image has no pixels (" + w + "x" + h + ")");
        }
        if ((long) w * h > maxPixels) {
          throw new ApiException(413, "image is " + w + "x" + h + " = " + (long) w * h
              + " pixels; the limit is " + maxPixels);
        }
        checkHeadroom(w, h);
        if (embeddedBmp(data)) {
          // The JDK's BMP reader allocates the header's image size for an embedded JPEG/PNG
          // before reading it: 5 header bytes can ask for gigabytes (found by fuzzing).
          throw new ApiException(415, "BMP images with embedded JPEG or PNG data are not supported");
        }
        BufferedImage img = r.read(0);
        float[] px = new float[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
          img.getRGB(0, y, w, 1, row, 0, w);
          for (int x = 0; x < w; x++) {
            int p = row[x];
            int o = (y * w + x) * 3;
            px[o] = (p >> 16) & 0xff;
            px[o + 1] = (p >> 8) & 0xff;
            px[o + 2] = p & 0xff;
          }
        }
        return new Rgb(w, h, px);
      } finally {
        r.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw ApiException.badRequest("cannot decode the image: " + e.getMessage());
    }
  }

  /**
   * Decoding holds the reader's raster (up to 8 bytes per pixel, 16-bit RGBA) and the float
   * pixels (12 bytes) at once. An image within max_image_pixels can still exceed a small heap
   * (a 6300x6300 PNG of 5 KB needs ~790 MiB; the service runs with -Xmx256m and exits on
   * OutOfMemoryError): it is refused with 413 like an oversized JSON body, or 503 while other
   * decoders hold the heap ({@link DecodeMemory}).
   */
  static void checkHeadroom(int w, int h) throws ApiException {
    long need = 20L * w * h;
    DecodeMemory.claim(need, "decoding a " + w + "x" + h + " image needs up to " + (need >> 20)
        + " MiB of heap and %d MiB are free: send a smaller image or give the"
        + " JVM a larger heap (-Xmx)");
  }

  /** A BMP whose info header (40 bytes or more) declares BI_JPEG (4) or BI_PNG (5) compression. */
  static boolean embeddedBmp(byte[] d) {
    if (d.length < 34 || d[0] != 'B' || d[1] != 'M') {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    int compression = b.getInt(30);
    return Integer.toUnsignedLong(b.getInt(14)) >= 40 && (compression == 4 || compression == 5);
  }

  /** Raw interleaved RGB (3 bytes per pixel) or gray (1 byte per pixel) data. */
  public static Rgb raw(byte[] data, int width, int height, long maxPixels) throws ApiException {
    long mark = DecodeMemory.held();
    try {
      return rawClaimed(data, width, height, maxPixels);
    } finally {
      DecodeMemory.releaseDownTo(mark);
    }
  }

  private static Rgb rawClaimed(byte[] data, int width, int height, long maxPixels)
      throws ApiException {
    if (width <= 0 || height <= 0) {
      throw ApiException.badRequest("width and height must be positive");
    }
    long n = (long) width * height;
    if (n > maxPixels) {
      throw new ApiException(413, "image is " + width + "x" + height + " pixels; the limit is " + maxPixels);
    }
    int channels;
    if (data.length == n * 3) {
      channels = 3;
    } else if (data.length == n) {
      channels = 1;
    } else {
      throw ApiException.badRequest("raw image of " + width + "x" + height + " needs " + n * 3
          + " bytes (RGB) or " + n + " bytes (gray), got " + data.length);
    }
    checkHeadroom(width, height);
    float[] px = new float[(int) n * 3];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        px[i * 3 + c] = data[channels == 3 ? i * 3 + c : i] & 0xff;
      }
    }
    return new Rgb(width, height, px);
  }

  /** Bilinear resize (half-pixel centers) of an RGB image. */
  public static Rgb resize(Rgb src, int w, int h) {
    if (src.width() == w && src.height() == h) {
      return src;
    }
    float[] out = new float[w * h * 3];
    float sx = (float) src.width() / w;
    float sy = (float) src.height() / h;
    for (int y = 0; y < h; y++) {
      float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
      int y0 = Math.min((int) fy, src.height() - 1);
      int y1 = Math.min(y0 + 1, src.height() - 1);
      float dy = fy - y0;
      for (int x = 0; x < w; x++) {
        float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
        int x0 = Math.min((int) fx, src.width() - 1);
        int x1 = Math.min(x0 + 1, src.width() - 1);
        float dx = fx - x0;
        for (int c = 0; c < 3; c++) {
          float a = src.pixels()[(y0 * src.width() + x0) * 3 + c];
          float b = src.pixels()[(y0 * src.width() + x1) * 3 + c];
          float d = src.pixels()[(y1 * src.width() + x0) * 3 + c];
          float e = src.pixels()[(y1 * src.width() + x1) * 3 + c];
          float top = a + (b - a) * dx;
          float bot = d + (e - d) * dx;
          out[(y * w + x) * 3 + c] = top + (bot - top) * dy;
        }
      }
    }
    return new Rgb(w, h, out);
  }

  /**
   * Converts an image (already at the input's size) into the input tensor's bytes. Float
   * inputs get (pixel - mean) / std; uint8 inputs the pixel; int8 inputs pixel - 128 (the
   * TFLite image-classifier conventions for quantized models).
   */
  public static byte[] toTensor(Rgb img, TensorInfo input, float[] mean, float[] std) throws ApiException {
    int channels = input.shape()[3];
    int n = img.width() * img.height();
    DataType t = input.dataType();
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(input.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        float v;
        if (channels == 3) {
          v = img.pixels()[i * 3 + c];
        } else {
          v = 0.299f * img.pixels()[i * 3] + 0.587f * img.pixels()[i * 3 + 1] + 0.114f * img.pixels()[i * 3 + 2];
        }
        int pixel = Math.max(0, Math.min(255, Math.round(v)));
        switch (t) {
          case FLOAT32 -> b.putFloat((v - mean[Math.min(c, mean.length - 1)]) / std[Math.min(c, std.length - 1)]);
          case UINT8 -> b.put((byte) pixel);
          case INT8 -> b.put((byte) (pixel - 128));
          case INT16 -> {
            Quantization q = input.quantization();
            float real = v / 255f;
            b.putShort((short) Tensors.quantize(real, q.isQuantized() ? q.scale() : 1f / 32767, q.zeroPoint(), t));
          }
          default -> throw ApiException.badRequest("cannot feed an image to a " + t + " input");
        }
      }
    }
    return b.array();
  }
}
