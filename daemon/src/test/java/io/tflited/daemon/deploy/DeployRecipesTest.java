package io.tflited.daemon.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tflited.daemon.cli.Args;
import io.tflited.daemon.config.ConfigLoader;
import io.tflited.daemon.config.DaemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet recipes under deploy/: the Kubernetes manifests carry what an edge DaemonSet needs
 * (arm64 nodes, probes on the health endpoints, limits, Prometheus scraping, non-root), the
 * ConfigMap holds a configuration the daemon itself accepts, and the container recipe runs
 * non-root with the models as a volume and a health check on /v2/health/ready.
 */
class DeployRecipesTest {
  private static final Path DEPLOY = locate();

  private static Path locate() {
    Path p = Path.of("").toAbsolutePath();
    for (int i = 0; i < 3 && p != null; i++, p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/k8s"))) {
        return p.resolve("deploy");
      }
    }
    throw new IllegalStateException("deploy/ not found from " + Path.of("").toAbsolutePath());
  }

  private static List<JsonNode> documents(String file) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        yaml.readerFor(JsonNode.class).readValues(DEPLOY.resolve(file).toFile())) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(n);
        }
      }
    }
    return docs;
  }

  private static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst().orElse(null);
  }

  @Test
  void daemonSetRunsOneHardenedDaemonPerArm64Node() throws Exception {
    JsonNode ds = kind(documents("k8s/daemonset.yaml"), "DaemonSet");
    assertNotNull(ds, "a DaemonSet");
    assertEquals("apps/v1", ds.path("apiVersion").asText());
    JsonNode selector = ds.at("/spec/selector/matchLabels");
    JsonNode labels = ds.at("/spec/template/metadata/labels");
    selector.fields().forEachRemaining(e -> assertEquals(e.getValue(), labels.get(e.getKey())));
    JsonNode pod = ds.at("/spec/template/spec");
    assertEquals("arm64", pod.at("/nodeSelector/kubernetes.io~1arch").asText());
    assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
    JsonNode annotations = ds.at("/spec/template/metadata/annotations");
    assertEquals("true", annotations.path("prometheus.io/scrape").asText());
    assertEquals("/metrics", annotations.path("prometheus.io/path").asText());
    assertEquals(1, pod.path("containers").size());
    JsonNode c = pod.path("containers").get(0);
    assertEquals("/v2/health/ready", c.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/v2/health/live", c.at("/livenessProbe/httpGet/path").asText());
    assertEquals("/v2/health/ready", c.at("/startupProbe/httpGet/path").asText());
    assertFalse(c.at("/resources/limits/memory").asText().isEmpty());
    assertFalse(c.at("/resources/limits/cpu").asText().isEmpty());
    assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
    int port = c.path("ports").get(0).path("containerPort").asInt();
    assertEquals(port, Integer.parseInt(annotations.path("prometheus.io/port").asText()));
    // Every mounted volume exists, and the config comes from the ConfigMap.
    List<String> volumes = new ArrayList<>();
    pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
    c.path("volumeMounts").forEach(m -> assertTrue(volumes.contains(m.path("name").asText()), m.toString()));
    assertTrue(pod.toString().contains("\"configMap\":{\"name\":\"tflited-config\"}"));
  }

  @Test
  void configMapHoldsAConfigurationTheDaemonAccepts(@TempDir Path dir) throws Exception {
    JsonNode cm = kind(documents("k8s/configmap.yaml"), "ConfigMap");
    assertNotNull(cm, "a ConfigMap");
    assertEquals("tflited-config", cm.at("/metadata/name").asText());
    Path file = dir.resolve("tflited.yaml");
    Files.writeString(file, cm.at("/data/tflited.yaml").asText());
    DaemonConfig config =
        ConfigLoader.load(
            ConfigLoader.declare(new Args("serve")).parse(new String[] {"--config", file.toString()}),
            // The model directory exists on the node, not here: point it at a temp dir.
            Map.of("TFLITED_MODELS", dir.toString()));
    assertNotNull(config);
  }

  @Test
  void containerRecipeIsNonRootWithModelVolumeAndHealthCheck() throws Exception {
    List<String> lines = Files.readAllLines(DEPLOY.resolve("Dockerfile"));
    String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow();
    assertTrue(from.contains("eclipse-temurin:") || from.contains("distroless"), from);
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertFalse(user.endsWith(" root") || user.endsWith(" 0"), user);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("VOLUME") && l.contains("/var/lib/tflited/models")));
    assertTrue(lines.stream().anyMatch(l -> l.contains("HEALTHCHECK")));
    assertTrue(String.join("\n", lines).contains("/v2/health/ready"));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENTRYPOINT") && l.contains("serve")));
  }
}
