package io.tflited.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Conversions between request values (JSON numbers, raw bytes) and tensor bytes. */
public final class Tensors {
  private Tensors() {}

  /** KServe V2 datatype name of a tensor type (null when the protocol has none). */
  public static String v2Name(DataType t) {
    return switch (t) {
      case FLOAT32 -> "FP32";
      case FLOAT16 -> "FP16";
      case FLOAT64 -> "FP64";
      case INT8 -> "INT8";
      case UINT8 -> "UINT8";
      case INT16 -> "INT16";
      case UINT16 -> "UINT16";
      case INT32 -> "INT32";
      case UINT32 -> "UINT32";
      case INT64 -> "INT64";
      case UINT64 -> "UINT64";
      case BOOL -> "BOOL";
      case STRING -> "BYTES";
      default -> t.name();
    };
  }

  /** The tensor type of a KServe V2 datatype accepted in requests, or null. */
  public static DataType fromV2(String name) {
    return switch (name) {
      case "FP32" -> DataType.FLOAT32;
      case "FP16" -> DataType.FLOAT16;
      case "INT8" -> DataType.INT8;
      case "UINT8" -> DataType.UINT8;
      case "INT16" -> DataType.INT16;
      case "INT32" -> DataType.INT32;
      case "INT64" -> DataType.INT64;
      case "BOOL" -> DataType.BOOL;
      default -> null;
    };
  }

  /** TensorFlow's DT_ name (TF Serving metadata). */
  public static String tfName(DataType t) {
    return switch (t) {
      case FLOAT32 -> "DT_FLOAT";
      case FLOAT16 -> "DT_HALF";
      case FLOAT64 -> "DT_DOUBLE";
      case INT8 -> "DT_INT8";
      case UINT8 -> "DT_UINT8";
      case INT16 -> "DT_INT16";
      case INT32 -> "DT_INT32";
      case INT64 -> "DT_INT64";
      case BOOL -> "DT_BOOL";
      case STRING -> "DT_STRING";
      default -> "DT_INVALID";
    };
  }

  /** Appends the leaves of a (possibly nested) JSON array in row-major order. */
  public static void flatten(JsonNode n, List<JsonNode> out, String what) throws ApiException {
    if (n.isArray()) {
      for (JsonNode c : n) {
        flatten(c, out, what);
      }
    } else if (n.isNumber() || n.isBoolean()) {
      out.add(n);
    } else {
      throw ApiException.badRequest(what + ": expected numbers, got " + abbreviate(n.toString()));
    }
  }

  /** Shape of a nested array (its first element at each level); checks it is rectangular later. */
  public static int[] nestedShape(JsonNode n) {
    List<Integer> s = new ArrayList<>();
    while (n.isArray()) {
      s.add(n.size());
      if (n.isEmpty()) {
        break;
      }
      n = n.get(0);
    }
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Encodes values given in {@code given} (the request's type) into the bytes of a tensor of
   * type {@code target}. FP32 values for a quantized integer tensor are quantized with its
   * scale and zero point; otherwise the types must be equal.
   */
  public static byte[] encode(List<JsonNode> values, DataType given, TensorInfo target, String what)
      throws ApiException {
    DataType tt = target.dataType();
    boolean quantize = given == DataType.FLOAT32 && tt != DataType.FLOAT32
        && target.quantization().isQuantized() && isInteger(tt);
    if (given != tt && !quantize) {
      throw ApiException.badRequest(what + " has datatype " + v2Name(given) + " but the model expects "
          + v2Name(tt) + (isInteger(tt) && target.quantization().isQuantized() ? " (or FP32, which is quantized)" : ""));
    }
    int n = values.size();
    ByteBuffer b = ByteBuffer.allocate(n * tt.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    Quantization q = target.quantization();
    for (int i = 0; i < n; i++) {
      JsonNode v = values.get(i);
      if (quantize) {
        if (!v.isNumber()) {
          throw ApiException.badRequest(what + ": element " + i + " is not a number");
        }
        putInt(b, tt, quantize(v.doubleValue(), q.scale(), q.zeroPoint(), tt));
        continue;
      }
      switch (tt) {
        case FLOAT32 -> b.putFloat(number(v, what, i).floatValue());
        case FLOAT16 -> b.putShort(Float.floatToFloat16(number(v, what, i).floatValue()));
        case BOOL -> {
          if (v.isBoolean()) {
            b.put((byte) (v.booleanValue() ? 1 : 0));
          } else if (v.isIntegralNumber() && (v.longValue() == 0 || v.longValue() == 1)) {
            b.put((byte) v.longValue());
          } else {
            throw ApiException.badRequest(what + ": element " + i + " is not a boolean");
          }
        }
        default -> {
          if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw ApiException.badRequest(what + ": element " + i + " (" + v + ") is not an integer");
          }
          long l = v.isIntegralNumber() ? v.longValue() : (long) v.doubleValue();
          if (l < min(tt) || l > max(tt)) {
            throw ApiException.badRequest(what + ": element " + i + " (" + l + ") is out of range for "
                + v2Name(tt));
          }
          putInt(b, tt, l);
        }
      }
    }
    return b.array();
  }

  /** Converts raw little-endian bytes of type {@code given} into bytes of the target tensor. */
  public static byte[] fromRaw(byte[] raw, DataType given, TensorInfo target, String what)
      throws ApiException {
    DataType tt = target.dataType();
    long n = target.elementCount();
    if (raw.length != n * given.byteSize()) {
      throw ApiException.badRequest(what + " has " + raw.length + " bytes, expected " + n * given.byteSize()
          + " (" + n + " x " + v2Name(given) + ")");
    }
    if (given == tt) {
      return raw;
    }
    boolean quantize = given == DataType.FLOAT32 && target.quantization().isQuantized() && isInteger(tt);
    if (!quantize) {
      throw ApiException.badRequest(what + " has datatype " + v2Name(given) + " but the model expects " + v2Name(tt));
    }
    ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer b = ByteBuffer.allocate((int) n * tt.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    Quantization q = target.quantization();
    for (int i = 0; i < n; i++) {
      putInt(b, tt, quantize(in.getFloat(4 * i), q.scale(), q.zeroPoint(), tt));
    }
    return b.array();
  }

  static long quantize(double x, float scale, long zp, DataType t) {
    double r = Math.rint(x / scale) + zp;
    if (Double.isNaN(r)) {
      r = zp;
    }
    return (long) Math.max(min(t), Math.min(max(t), r));
  }

  public static boolean isInteger(DataType t) {
    return switch (t) {
      case INT8, UINT8, INT16, INT32, INT64, UINT16, UINT32 -> true;
      default -> false;
    };
  }

  static long min(DataType t) {
    return switch (t) {
      case INT8 -> -128;
      case UINT8, UINT16, UINT32 -> 0;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  static long max(DataType t) {
    return switch (t) {
      case INT8 -> 127;
      case UINT8 -> 255;
      case INT16 -> Short.MAX_VALUE;
      case UINT16 -> 65535;
      case INT32 -> Integer.MAX_VALUE;
      case UINT32 -> 0xffffffffL;
      default -> Long.MAX_VALUE;
    };
  }

  private static void putInt(ByteBuffer b, DataType t, long v) {
    switch (t) {
      case INT8, UINT8, BOOL -> b.put((byte) v);
      case INT16, UINT16 -> b.putShort((short) v);
      case INT32, UINT32 -> b.putInt((int) v);
      case INT64 -> b.putLong(v);
      default -> throw new IllegalArgumentException(t.toString());
    }
  }

  private static Number number(JsonNode v, String what, int i) throws ApiException {
    if (!v.isNumber()) {
      throw ApiException.badRequest(what + ": element " + i + " is not a number");
    }
    return v.numberValue();
  }

  /** The values of raw tensor bytes as a flat JSON array. */
  public static ArrayNode toJson(byte[] raw, DataType t) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    int n = raw.length / Math.max(1, t.byteSize());
    for (int i = 0; i < n; i++) {
      addValue(a, b, t, i);
    }
    return a;
  }

  /** The values nested by shape (row-major), starting at element {@code offset}. */
  public static JsonNode toNested(byte[] raw, DataType t, int[] shape, int dimStart, int offset) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    if (dimStart >= shape.length) {
      ArrayNode tmp = JsonNodeFactory.instance.arrayNode();
      addValue(tmp, b, t, offset);
      return tmp.get(0);
    }
    return nested(b, t, shape, dimStart, new int[] {offset});
  }

  private static ArrayNode nested(ByteBuffer b, DataType t, int[] shape, int d, int[] pos) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < shape[d]; i++) {
      if (d == shape.length - 1) {
        addValue(a, b, t, pos[0]++);
      } else {
        a.add(nested(b, t, shape, d + 1, pos));
      }
    }
    return a;
  }

  private static void addValue(ArrayNode a, ByteBuffer b, DataType t, int i) {
    switch (t) {
      case FLOAT32 -> a.add(b.getFloat(4 * i));
      case FLOAT16 -> a.add(Float.float16ToFloat(b.getShort(2 * i)));
      case FLOAT64 -> a.add(b.getDouble(8 * i));
      case INT8 -> a.add(b.get(i));
      case UINT8 -> a.add(b.get(i) & 0xff);
      case BOOL -> a.add(b.get(i) != 0);
      case INT16 -> a.add(b.getShort(2 * i));
      case UINT16 -> a.add(b.getShort(2 * i) & 0xffff);
      case INT32 -> a.add(b.getInt(4 * i));
      case UINT32 -> a.add(b.getInt(4 * i) & 0xffffffffL);
      case INT64 -> a.add(b.getLong(8 * i));
      default -> a.add(b.get(i));
    }
  }

  public static String shape(int[] s) {
    return Arrays.toString(s);
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
