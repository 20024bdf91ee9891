package io.tflited.daemon.http;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap claimed by request decoding in progress (JSON trees, decoded images). Requests decode
 * concurrently, each on its own virtual thread, and each one alone may fit the free heap while
 * several together do not (eight 10 MB JSON bodies need ~1.3 GB at once; the service runs with
 * -Xmx256m and exits on OutOfMemoryError). So a decoder claims its estimate first: more than
 * the free heap is 413 (the request can never fit); more than the free heap minus what other
 * decoders hold is 503 with Retry-After (it fits once they finish). An image decode releases
 * its claim when it returns ({@link #releaseDownTo}); {@link Api#handle} releases the rest of
 * the request's claims (its JSON tree) when the request is decoded. The free heap already counts what the others have
 * allocated so far, so the check errs on the side of refusing.
 */
final class DecodeMemory {
  private static final AtomicLong CLAIMED = new AtomicLong();
  private static final ThreadLocal<long[]> MINE = ThreadLocal.withInitial(() -> new long[1]);

  private DecodeMemory() {}

  /**
   * Claims {@code need} bytes for the current request; {@code tooLarge} is the 413 message for
   * a request that cannot fit the free heap ({@code %d} is replaced by the free MiB).
   */
  static void claim(long need, String tooLarge) throws ApiException {
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (need > free) {
      throw new ApiException(413, tooLarge.replace("%d", String.valueOf(free >> 20)));
    }
    long others = CLAIMED.getAndAdd(need);
    if (others + need > free) {
      CLAIMED.addAndGet(-need);
      throw new ApiException(503, "the server is decoding other large requests (" + (others >> 20)
          + " MiB claimed, this one needs " + (need >> 20) + " MiB of " + (free >> 20)
          + " MiB free heap): retry shortly", Map.of("Retry-After", "1"));
    }
    MINE.get()[0] += need;
  }

  /** What the current thread holds now (a mark for {@link #releaseDownTo}). */
  static long held() {
    return MINE.get()[0];
  }

  /** Releases what the current thread claimed since {@code mark} (a decode that is over). */
  static void releaseDownTo(long mark) {
    long[] mine = MINE.get();
    if (mine[0] > mark) {
      CLAIMED.addAndGet(mark - mine[0]);
      mine[0] = mark;
    }
  }

  /** Releases every claim of the current request. */
  static void releaseAll() {
    long[] mine = MINE.get();
    if (mine[0] != 0) {
      CLAIMED.addAndGet(-mine[0]);
      mine[0] = 0;
    }
  }

  /** Bytes claimed by all decoders now (for tests). */
  static long claimed() {
    return CLAIMED.get();
  }
}
