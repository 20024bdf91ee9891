package io.tflited.runtime.kernels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian element access on byte arrays (tensors live in byte[] arenas). The static
 * final VarHandles compile to plain loads and stores.
 */
public final class LittleEndian {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private LittleEndian() {}

  public static short getShort(byte[] a, int off) {
    return (short) SHORT.get(a, off);
  }

  public static void setShort(byte[] a, int off, short v) {
    SHORT.set(a, off, v);
  }

  public static int getInt(byte[] a, int off) {
    return (int) INT.get(a, off);
  }

  public static void setInt(byte[] a, int off, int v) {
    INT.set(a, off, v);
  }

  public static long getLong(byte[] a, int off) {
    return (long) LONG.get(a, off);
  }

  public static void setLong(byte[] a, int off, long v) {
    LONG.set(a, off, v);
  }

  public static float getFloat(byte[] a, int off) {
    return (float) FLOAT.get(a, off);
  }

  public static void setFloat(byte[] a, int off, float v) {
    FLOAT.set(a, off, v);
  }

  public static double getDouble(byte[] a, int off) {
    return (double) DOUBLE.get(a, off);
  }

  public static void setDouble(byte[] a, int off, double v) {
    DOUBLE.set(a, off, v);
  }
}
