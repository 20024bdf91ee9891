package io.tflited.runtime.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Static memory plan for one arena, in the manner of TFLite's arena planner: buffers are
 * placed largest first, each at the lowest aligned offset that does not overlap a buffer
 * already placed whose lifetime intersects its own.
 *
 * <p>Lifetimes are inclusive ranges of execution steps [first, last].
 */
public final class ArenaPlanner {
  /** Offsets are multiples of this (a cache line; also keeps vector loads aligned). */
  public static final int ALIGNMENT = 64;

  /** One buffer to place. */
  public record Request(int id, long bytes, int first, int last) {}

  /** Placed buffers: offset per request id, and the arena size. */
  public record Plan(long[] offsets, long arenaBytes) {}

  private ArenaPlanner() {}

  /** Places the requests; {@code idCount} bounds their ids. Unplaced ids get offset -1. */
  public static Plan plan(List<Request> requests, int idCount) {
    List<Request> order = new ArrayList<>(requests);
    order.sort(
        Comparator.comparingLong(Request::bytes)
            .reversed()
            .thenComparingInt(Request::first)
            .thenComparingInt(Request::id));
    long[] offsets = new long[idCount];
    Arrays.fill(offsets, -1);
    List<Request> placed = new ArrayList<>();
    long arena = 0;
    for (Request r : order) {
      long size = align(r.bytes());
      // Live neighbours sorted by offset; take the first gap that fits.
      List<Request> live = new ArrayList<>();
      for (Request p : placed) {
        if (p.first() <= r.last() && r.first() <= p.last()) {
          live.add(p);
        }
      }
      live.sort(Comparator.comparingLong(p -> offsets[p.id()]));
      long candidate = 0;
      for (Request p : live) {
        long start = offsets[p.id()];
        if (candidate + size <= start) {
          break;
        }
        candidate = Math.max(candidate, start + align(p.bytes()));
      }
      offsets[r.id()] = candidate;
      arena = Math.max(arena, candidate + size);
      placed.add(r);
    }
    return new Plan(offsets, arena);
  }

  /** Throws IllegalStateException if two buffers alive at the same step overlap. */
  public static void verify(List<Request> requests, Plan plan) {
    for (int i = 0; i < requests.size(); i++) {
      Request a = requests.get(i);
      for (int j = i + 1; j < requests.size(); j++) {
        Request b = requests.get(j);
        boolean liveTogether = a.first() <= b.last() && b.first() <= a.last();
        if (!liveTogether || a.bytes() == 0 || b.bytes() == 0) {
          continue;
        }
        long a0 = plan.offsets()[a.id()];
        long b0 = plan.offsets()[b.id()];
        if (a0 < b0 + b.bytes() && b0 < a0 + a.bytes()) {
          throw new IllegalStateException("buffers " + a + " and " + b + " overlap");
        }
      }
    }
  }

  static long align(long bytes) {
    return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }
}
