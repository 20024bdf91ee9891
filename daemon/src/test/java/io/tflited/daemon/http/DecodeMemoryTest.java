package io.tflited.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeMemoryTest {
  private static long free() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  @Test
  void moreThanTheFreeHeapIs413() {
    ApiException e = assertThrows(ApiException.class,
        () -> DecodeMemory.claim(Runtime.getRuntime().maxMemory() + 1, "needs more; %d MiB free"));
    assertEquals(413, e.status());
    assertTrue(e.getMessage().matches("needs more; \\d+ MiB free"), e.getMessage());
    assertEquals(0, DecodeMemory.claimed());
  }

  @Test
  void whatFitsAloneButNotBesideAnotherDecoderIs503UntilThatOneIsDone() throws Exception {
    // Two claims of more than half the heap can never fit together; one fits while the test
    // JVM (-Xmx2g) uses less than half of its heap.
    System.gc();
    long each = Runtime.getRuntime().maxMemory() / 2 + 1;
    assertTrue(each <= free(), "test needs half the heap free");
    CountDownLatch claimed = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      try {
        DecodeMemory.claim(each, "%d");
        claimed.countDown();
        done.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new RuntimeException(e);
      } finally {
        DecodeMemory.releaseAll();
      }
    });
    assertTrue(claimed.await(10, TimeUnit.SECONDS));
    ApiException busy = assertThrows(ApiException.class, () -> DecodeMemory.claim(each, "%d"));
    assertEquals(503, busy.status());
    assertEquals("1", busy.headers().get("Retry-After"));
    done.countDown();
    other.get(10, TimeUnit.SECONDS);
    assertEquals(0, DecodeMemory.claimed());
    DecodeMemory.claim(each, "%d");
    assertEquals(each, DecodeMemory.claimed());
    DecodeMemory.releaseAll();
    assertEquals(0, DecodeMemory.claimed());
  }

  /** Found by fuzzing: decodes called outside a request kept their claims until 503s. */
  @Test
  void anImageDecodeReleasesItsClaimWhenItReturns() throws Exception {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", png);
    for (int i = 0; i < 200; i++) {
      Images.decode(png.toByteArray(), 1 << 24);
      Images.raw(new byte[64 * 48 * 3], 64, 48, 1 << 24);
    }
    assertEquals(0, DecodeMemory.claimed());
  }
}
