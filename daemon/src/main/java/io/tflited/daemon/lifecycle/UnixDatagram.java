package io.tflited.daemon.lifecycle;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Sends one AF_UNIX datagram (what sd_notify does) through the Foreign Function API of
 * Java 22+, reached by reflection because this code is compiled for Java 21, where that API
 * is still a preview. {@link #available()} is false on Java 21 or when the native linker is
 * not usable; callers then fall back to systemd-notify.
 */
final class UnixDatagram {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;

  private final Class<?> arenaClass;
  private final Class<?> segmentClass;
  private final Object javaByte;
  private final MethodHandle socket;
  private final MethodHandle sendto;
  private final MethodHandle close;

  private UnixDatagram() throws ReflectiveOperationException {
    Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
    Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
    Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
    Class<?> valueC = Class.forName("java.lang.foreign.ValueLayout");
    Class<?> fdC = Class.forName("java.lang.foreign.FunctionDescriptor");
    Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
    arenaClass = Class.forName("java.lang.foreign.Arena");
    segmentClass = Class.forName("java.lang.foreign.MemorySegment");
    Object linker = linkerC.getMethod("nativeLinker").invoke(null);
    Object lookup = linkerC.getMethod("defaultLookup").invoke(linker);
    Object jint = valueC.getField("JAVA_INT").get(null);
    Object jlong = valueC.getField("JAVA_LONG").get(null);
    Object addr = valueC.getField("ADDRESS").get(null);
    javaByte = valueC.getField("JAVA_BYTE").get(null);
    Method of = fdC.getMethod("of", layoutC, layoutC.arrayType());
    Method find = lookupC.getMethod("find", String.class);
    Method downcall = linkerC.getMethod("downcallHandle", segmentClass, fdC, optionC.arrayType());
    Object noOptions = Array.newInstance(optionC, 0);
    socket = (MethodHandle) downcall.invoke(linker, symbol(find, lookup, "socket"),
        of.invoke(null, jint, layouts(layoutC, jint, jint, jint)), noOptions);
    sendto = (MethodHandle) downcall.invoke(linker, symbol(find, lookup, "sendto"),
        of.invoke(null, jlong, layouts(layoutC, jint, addr, jlong, jint, addr, jint)), noOptions);
    close = (MethodHandle) downcall.invoke(linker, symbol(find, lookup, "close"),
        of.invoke(null, jint, layouts(layoutC, jint)), noOptions);
  }

  private static Object layouts(Class<?> layoutC, Object... l) {
    Object a = Array.newInstance(layoutC, l.length);
    for (int i = 0; i < l.length; i++) {
      Array.set(a, i, l[i]);
    }
    return a;
  }

  private static Object symbol(Method find, Object lookup, String name) throws ReflectiveOperationException {
    Optional<?> s = (Optional<?>) find.invoke(lookup, name);
    return s.orElseThrow(() -> new ReflectiveOperationException("no native symbol " + name));
  }

  private static volatile UnixDatagram instance;
  private static volatile String unavailable;

  /** The sender, or null when the Foreign Function API cannot be used here. */
  static UnixDatagram get() {
    if (instance == null && unavailable == null) {
      try {
        instance = new UnixDatagram();
      } catch (Throwable t) {
        unavailable = t.toString();
      }
    }
    return instance;
  }

  static String whyUnavailable() {
    return unavailable;
  }

  /**
   * Sends {@code message} to the datagram socket at {@code path} ("@name" is the abstract
   * namespace). Throws when the socket cannot be created or the send fails.
   */
  void send(String path, String message) throws Exception {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    boolean abstractNs = p.length > 0 && p[0] == '@';
    if (p.length > 107) {
      throw new IllegalArgumentException("socket path too long: " + path);
    }
    byte[] sa = new byte[110];
    sa[0] = (byte) AF_UNIX; // sa_family_t, little-endian on every supported Linux target
    sa[1] = (byte) (AF_UNIX >> 8);
    System.arraycopy(p, 0, sa, 2, p.length);
    if (abstractNs) {
      sa[2] = 0;
    }
    int addrLen = 2 + p.length + (abstractNs ? 0 : 1);
    byte[] msg = message.getBytes(StandardCharsets.UTF_8);
    Object arena = arenaClass.getMethod("ofConfined").invoke(null);
    try {
      Object buf = allocate(arena, Math.max(1, msg.length));
      copy(msg, buf);
      Object addr = allocate(arena, sa.length);
      copy(sa, addr);
      int fd = (int) socket.invokeWithArguments(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw new IllegalStateException("socket(AF_UNIX, SOCK_DGRAM) failed");
      }
      try {
        long n = (long) sendto.invokeWithArguments(fd, buf, (long) msg.length, 0, addr, addrLen);
        if (n != msg.length) {
          throw new IllegalStateException("sendto " + path + " failed (" + n + ")");
        }
      } finally {
        close.invokeWithArguments(fd);
      }
    } catch (Throwable t) {
      if (t instanceof Exception e) {
        throw e;
      }
      throw new IllegalStateException(t);
    } finally {
      arenaClass.getMethod("close").invoke(arena);
    }
  }

  private Object allocate(Object arena, long bytes) throws ReflectiveOperationException {
    Class<?> allocator = Class.forName("java.lang.foreign.SegmentAllocator");
    return allocator.getMethod("allocate", long.class).invoke(arena, bytes);
  }

  private void copy(byte[] src, Object dst) throws ReflectiveOperationException {
    Class<?> valueC = Class.forName("java.lang.foreign.ValueLayout");
    segmentClass.getMethod("copy", Object.class, int.class, segmentClass, valueC, long.class, int.class)
        .invoke(null, src, 0, dst, javaByte, 0L, src.length);
  }
}
