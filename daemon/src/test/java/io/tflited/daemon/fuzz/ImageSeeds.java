package io.tflited.daemon.fuzz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Small images in every format the daemon decodes, written with javax.imageio (so they are
 * ours and exact): PNG as RGB, gray, palette and ARGB, JPEG, BMP and GIF.
 */
final class ImageSeeds {
  static final int WIDTH = 7;
  static final int HEIGHT = 5;

  private ImageSeeds() {}

  /** "png-rgb" etc. to the encoded image, all {@link #WIDTH} x {@link #HEIGHT}. */
  static Map<String, byte[]> all() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("png-rgb", encode(image(BufferedImage.TYPE_INT_RGB), "png"));
    out.put("png-gray", encode(image(BufferedImage.TYPE_BYTE_GRAY), "png"));
    out.put("png-palette", encode(image(BufferedImage.TYPE_BYTE_INDEXED), "png"));
    out.put("png-argb", encode(image(BufferedImage.TYPE_INT_ARGB), "png"));
    out.put("png-gray16", encode(image(BufferedImage.TYPE_USHORT_GRAY), "png"));
    out.put("jpeg", encode(image(BufferedImage.TYPE_INT_RGB), "jpeg"));
    out.put("jpeg-gray", encode(image(BufferedImage.TYPE_BYTE_GRAY), "jpeg"));
    out.put("bmp", encode(image(BufferedImage.TYPE_INT_RGB), "bmp"));
    out.put("gif", encode(image(BufferedImage.TYPE_BYTE_INDEXED), "gif"));
    return out;
  }

  static BufferedImage image(int type) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, type);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        img.setRGB(x, y, (x * 36) << 16 | (y * 60) << 8 | ((x + y) * 20));
      }
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
