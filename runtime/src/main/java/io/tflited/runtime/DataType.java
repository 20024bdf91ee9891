package io.tflited.runtime;

/** Tensor element types, with the codes of the TFLite schema's {@code TensorType}. */
public enum DataType {
  FLOAT32(0, 4, "float32"),
  FLOAT16(1, 2, "float16"),
  INT32(2, 4, "int32"),
  UINT8(3, 1, "uint8"),
  INT64(4, 8, "int64"),
  STRING(5, 1, "string"),
  BOOL(6, 1, "bool"),
  INT16(7, 2, "int16"),
  COMPLEX64(8, 8, "complex64"),
  INT8(9, 1, "int8"),
  FLOAT64(10, 8, "float64"),
  COMPLEX128(11, 16, "complex128"),
  UINT64(12, 8, "uint64"),
  RESOURCE(13, 1, "resource"),
  VARIANT(14, 1, "variant"),
  UINT32(15, 4, "uint32"),
  UINT16(16, 2, "uint16"),
  INT4(17, 1, "int4");

  private static final DataType[] BY_CODE = new DataType[18];

  static {
    for (DataType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int byteSize;
  private final String displayName;

  DataType(int code, int byteSize, String displayName) {
    this.code = code;
    this.byteSize = byteSize;
    this.displayName = displayName;
  }

  /** The schema's TensorType value. */
  public int code() {
    return code;
  }

  /** Bytes per element (1 for types without a fixed element size). */
  public int byteSize() {
    return byteSize;
  }

  /** Lower-case name as used by TFLite tools and tflited's meta.json ("float32", "int8"). */
  public String displayName() {
    return displayName;
  }

  /** Whether tflited can hold tensors of this type in its arena. */
  public boolean isSupportedStorage() {
    return switch (this) {
      case FLOAT32, FLOAT16, INT32, UINT8, INT64, BOOL, INT16, INT8, FLOAT64, UINT32, UINT16 ->
          true;
      default -> false;
    };
  }

  /** The type with the given schema code, or null when the code is unknown. */
  public static DataType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** The type with the given display name ("float32"), or null. */
  public static DataType fromName(String name) {
    for (DataType t : values()) {
      if (t.displayName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return displayName;
  }
}
