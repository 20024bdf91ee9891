package io.tflited.converter.quantize;

import io.tflited.runtime.DataType;
import io.tflited.runtime.TensorInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A representative dataset: samples of the float model's inputs, each one byte array per input in
 * the input's dtype (the {@code run} contract format: raw little-endian values).
 *
 * <p>A calibration directory holds one subfolder per sample with {@code input_<i>.bin} files, or
 * image files (bmp, png, jpg, gif; directly or in subfolders) for a model with a single [1, H, W,
 * C] float input: each image is resized bilinearly to H x W, converted to C = 1 (luma) or C = 3
 * (RGB) channels and scaled to [0, 1].
 */
public final class CalibrationData {
  private final List<byte[][]> samples;

  public CalibrationData(List<byte[][]> samples) {
    this.samples = List.copyOf(samples);
  }

  public List<byte[][]> samples() {
    return samples;
  }

  public int size() {
    return samples.size();
  }

  /** Loads a calibration directory for a model with these inputs; images scaled to [0, 1]. */
  public static CalibrationData load(Path dir, List<TensorInfo> inputs) throws IOException {
    return load(dir, inputs, 1f);
  }

  /** Loads a calibration directory; image pixels are scaled to [0, imageMax]. */
  public static CalibrationData load(Path dir, List<TensorInfo> inputs, float imageMax)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("calibration directory " + dir + " does not exist");
    }
    List<byte[][]> out = new ArrayList<>();
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.sorted().toList();
    }
    for (Path e : entries) {
      if (Files.isDirectory(e)) {
        if (Files.exists(e.resolve("input_0.bin"))) {
          out.add(readBins(e, inputs));
        } else {
          try (Stream<Path> s = Files.list(e)) {
            for (Path f : s.sorted().toList()) {
              if (isImage(f)) {
                out.add(new byte[][] {image(f, inputs, imageMax)});
              }
            }
          }
        }
      } else if (isImage(e)) {
        out.add(new byte[][] {image(e, inputs, imageMax)});
      }
    }
    if (out.isEmpty()) {
      throw new IOException(
          "calibration directory "
              + dir
              + " holds no sample (subfolders with input_<i>.bin, or images)");
    }
    return new CalibrationData(out);
  }

  private static byte[][] readBins(Path sample, List<TensorInfo> inputs) throws IOException {
    byte[][] s = new byte[inputs.size()][];
    for (int i = 0; i < s.length; i++) {
      Path f = sample.resolve("input_" + i + ".bin");
      byte[] b = Files.readAllBytes(f);
      if (b.length != inputs.get(i).byteSize()) {
        throw new IOException(
            f
                + " has "
                + b.length
                + " bytes but input "
                + i
                + " ("
                + inputs.get(i)
                + ") needs "
                + inputs.get(i).byteSize());
      }
      s[i] = b;
    }
    return s;
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".bmp")
        || n.endsWith(".png")
        || n.endsWith(".jpg")
        || n.endsWith(".jpeg")
        || n.endsWith(".gif");
  }

  /** An image as a float32 [1, H, W, C] tensor in [0, imageMax]. */
  static byte[] image(Path file, List<TensorInfo> inputs, float imageMax) throws IOException {
    if (inputs.size() != 1) {
      throw new IOException("image calibration needs a model with one input, not " + inputs.size());
    }
    TensorInfo in = inputs.get(0);
    int[] shape = in.shape();
    if (shape.length != 4
        || in.dataType() != DataType.FLOAT32
        || (shape[3] != 1 && shape[3] != 3)) {
      throw new IOException("image calibration needs a float32 [1, H, W, 1|3] input, not " + in);
    }
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null) {
      throw new IOException("cannot decode image " + file);
    }
    return imageTensor(img, shape[1], shape[2], shape[3], imageMax);
  }

  /** Bilinear resize (half-pixel centres) and scaling of 0..255 to [0, imageMax]. */
  public static byte[] imageTensor(BufferedImage img, int h, int w, int c, float imageMax) {
    double k = imageMax / 255.0;
    int sh = img.getHeight();
    int sw = img.getWidth();
    ByteBuffer b = ByteBuffer.allocate(4 * h * w * c).order(ByteOrder.LITTLE_ENDIAN);
    for (int y = 0; y < h; y++) {
      double fy = Math.max(0, (y + 0.5) * sh / h - 0.5);
      int y0 = Math.min((int) fy, sh - 1);
      int y1 = Math.min(y0 + 1, sh - 1);
      double dy = fy - y0;
      for (int x = 0; x < w; x++) {
        double fx = Math.max(0, (x + 0.5) * sw / w - 0.5);
        int x0 = Math.min((int) fx, sw - 1);
        int x1 = Math.min(x0 + 1, sw - 1);
        double dx = fx - x0;
        double[] px = new double[3];
        int[] corners = {
          img.getRGB(x0, y0), img.getRGB(x1, y0), img.getRGB(x0, y1), img.getRGB(x1, y1)
        };
        double[] weights = {(1 - dx) * (1 - dy), dx * (1 - dy), (1 - dx) * dy, dx * dy};
        for (int q = 0; q < 4; q++) {
          px[0] += weights[q] * ((corners[q] >> 16) & 0xFF);
          px[1] += weights[q] * ((corners[q] >> 8) & 0xFF);
          px[2] += weights[q] * (corners[q] & 0xFF);
        }
        if (c == 1) {
          b.putFloat((float) ((0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2]) * k));
        } else {
          for (int ch = 0; ch < 3; ch++) {
            b.putFloat((float) (px[ch] * k));
          }
        }
      }
    }
    return b.array();
  }
}
