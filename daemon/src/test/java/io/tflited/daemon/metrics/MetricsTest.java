package io.tflited.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MetricsTest {
  static byte[] sink;

  private static Metrics metrics() {
    return new Metrics(() -> new Metrics.ModelGauges() {
      @Override
      public Map<String, int[]> queueAndInFlight() {
        return Map.of();
      }

      @Override
      public int loaded() {
        return 0;
      }

      @Override
      public int failed() {
        return 0;
      }
    });
  }

  @Test
  void inferenceAllocatedBytesAddUpPerModel() {
    Metrics m = metrics();
    m.recordInference("a", 1_000, 100);
    m.recordInference("a", 1_000, 23);
    m.recordInference("b\"x", 1_000, 0);
    String text = m.render();
    assertTrue(text.contains("# TYPE tflited_inference_allocated_bytes_total counter\n"), text);
    assertTrue(text.contains("tflited_inference_allocated_bytes_total{model=\"a\"} 123\n"), text);
    assertTrue(text.contains("tflited_inference_allocated_bytes_total{model=\"b\\\"x\"} 0\n"),
        text);
    assertTrue(text.contains("tflited_inference_duration_seconds_count{model=\"a\"} 2\n"), text);
  }

  @Test
  void threadAllocationSeesThisThreadsAllocation() {
    long before = ThreadAllocation.current();
    Assumptions.assumeTrue(before > 0, "this JVM does not count allocated bytes per thread");
    sink = new byte[1 << 20];
    long after = ThreadAllocation.current();
    assertTrue(after - before >= 1 << 20, "counted " + (after - before) + " bytes");
  }
}
