package io.tflited.runtime.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Names the code that allocates while some work runs, from JFR's allocation samples: the
 * innermost tflited frames of each sampled stack with how each ran ("Interpreted", "JIT
 * compiled", "Inlined"). A vector kernel that boxes shows as a JIT-compiled or interpreted
 * kernel frame allocating vector payload arrays; the frame type tells a compile that is still
 * to come from compiled code that will always box.
 */
final class AllocationSites {
  private static final int FRAMES = 3;
  private static final int SITES = 5;

  private AllocationSites() {}

  /**
   * Runs {@code work} under a JFR recording and returns the top allocation sites of the threads
   * {@code threads} accepts, heaviest first, as one line; or why there are none.
   */
  static String of(ThrowingRunnable work, Predicate<String> threads) throws Exception {
    Path file = Files.createTempFile("tflited-allocation-sites", ".jfr");
    try (Recording recording = new Recording()) {
      recording
          .enable("jdk.ObjectAllocationSample")
          .withStackTrace()
          .with("throttle", "10000/s");
      recording.start();
      Instant from = Instant.now();
      work.run();
      Instant to = Instant.now();
      recording.stop();
      recording.dump(file);
      // Only the work's own samples: stopping the recording allocates on this thread too.
      return summarize(RecordingFile.readAllEvents(file).stream()
          .filter(e -> !e.getStartTime().isBefore(from) && !e.getStartTime().isAfter(to))
          .toList(), threads);
    } catch (IOException | IllegalStateException e) {
      return "no allocation samples (" + e + ")";
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static String summarize(List<RecordedEvent> events, Predicate<String> threads) {
    Map<String, Long> bytes = new HashMap<>();
    long total = 0;
    for (RecordedEvent e : events) {
      if (!e.getEventType().getName().equals("jdk.ObjectAllocationSample")
          || e.getThread("eventThread") == null
          || !threads.test(e.getThread("eventThread").getJavaName())) {
        continue;
      }
      long weight = e.getLong("weight");
      total += weight;
      bytes.merge(e.getClass("objectClass").getName() + " at " + site(e.getStackTrace()),
          weight, Long::sum);
    }
    if (bytes.isEmpty()) {
      return "no allocation samples on the measured threads";
    }
    long all = total;
    StringBuilder out = new StringBuilder("allocation sites (share of JFR's samples):");
    bytes.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(SITES)
        .forEach(s -> out.append(String.format(" {%.0f%% %s}", 100.0 * s.getValue() / all,
            s.getKey())));
    return out.toString();
  }

  private static String site(RecordedStackTrace stack) {
    if (stack == null) {
      return "(no stack)";
    }
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (RecordedFrame f : stack.getFrames()) {
      String type = f.getMethod().getType().getName();
      if (!type.startsWith("io.tflited.") || type.startsWith("io.tflited.runtime.perf.")) {
        continue;
      }
      if (shown > 0) {
        out.append(" < ");
      }
      out.append(type.substring(type.lastIndexOf('.') + 1)).append('.')
          .append(f.getMethod().getName()).append(':').append(f.getLineNumber())
          .append(" [").append(f.getType()).append(']');
      if (++shown == FRAMES) {
        break;
      }
    }
    return shown == 0 ? "(outside tflited)" : out.toString();
  }

  /** Work that may throw, as the interpreter's run does. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
