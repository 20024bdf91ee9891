package io.tflited.runtime.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads uncompressed 24-bit (BGR) and 8-bit (palette/gray) BMP test images as RGB or gray. */
public record Bmp(int width, int height, int channels, byte[] pixels) {

  public static Bmp read(Path path) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    int dataOffset = b.getInt(10);
    int width = b.getInt(18);
    int rawHeight = b.getInt(22);
    int bpp = b.getShort(28);
    if (b.getInt(30) != 0 || (bpp != 24 && bpp != 8)) {
      throw new IOException(path + ": only uncompressed 8/24-bit BMPs are supported");
    }
    int height = Math.abs(rawHeight);
    boolean bottomUp = rawHeight > 0;
    int channels = bpp == 24 ? 3 : 1;
    int stride = ((width * bpp / 8) + 3) & ~3;
    byte[] px = new byte[width * height * channels];
    for (int y = 0; y < height; y++) {
      int row = dataOffset + (bottomUp ? height - 1 - y : y) * stride;
      for (int x = 0; x < width; x++) {
        if (channels == 3) {
          int p = row + 3 * x;
          px[(y * width + x) * 3] = b.get(p + 2);
          px[(y * width + x) * 3 + 1] = b.get(p + 1);
          px[(y * width + x) * 3 + 2] = b.get(p);
        } else {
          px[y * width + x] = b.get(row + x);
        }
      }
    }
    return new Bmp(width, height, channels, px);
  }

  /** Nearest-neighbour resize (centres aligned), same channel count. */
  public Bmp resize(int w, int h) {
    byte[] out = new byte[w * h * channels];
    for (int y = 0; y < h; y++) {
      int sy = Math.min(height - 1, (int) ((y + 0.5) * height / h));
      for (int x = 0; x < w; x++) {
        int sx = Math.min(width - 1, (int) ((x + 0.5) * width / w));
        System.arraycopy(pixels, (sy * width + sx) * channels, out, (y * w + x) * channels, channels);
      }
    }
    return new Bmp(w, h, channels, out);
  }
}
