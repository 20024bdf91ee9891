package io.tflited.daemon.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tflited.daemon.cli.Args;
import io.tflited.daemon.cli.UsageException;
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
    // The bearer token comes from a Secret, never from a literal value in the manifest.
    JsonNode token = null;
    for (JsonNode e : c.path("env")) {
      if (e.path("name").asText().equals(ConfigLoader.TOKEN_ENV)) {
        token = e;
      }
    }
    assertNotNull(token, "the container gets " + ConfigLoader.TOKEN_ENV);
    assertTrue(token.path("value").isMissingNode(), "no literal token: " + token);
    assertFalse(token.at("/valueFrom/secretKeyRef/name").asText().isEmpty(), token.toString());
    assertFalse(token.at("/valueFrom/secretKeyRef/key").asText().isEmpty(), token.toString());
  }

  @Test
  void configMapHoldsAConfigurationTheDaemonAccepts(@TempDir Path dir) throws Exception {
    JsonNode cm = kind(documents("k8s/configmap.yaml"), "ConfigMap");
    assertNotNull(cm, "a ConfigMap");
    assertEquals("tflited-config", cm.at("/metadata/name").asText());
    Path file = dir.resolve("tflited.yaml");
    Files.writeString(file, cm.at("/data/tflited.yaml").asText());
    Args args = ConfigLoader.declare(new Args("serve")).parse(new String[] {"--config", file.toString()});
    // The model directory exists on the node, not here: point it at a temp dir.
    UsageException noToken = assertThrows(UsageException.class,
        () -> ConfigLoader.load(args, Map.of("TFLITED_MODELS", dir.toString())));
    assertTrue(noToken.getMessage().contains("token"), "the pod listens on the network: " + noToken.getMessage());
    DaemonConfig config = ConfigLoader.load(args,
        Map.of("TFLITED_MODELS", dir.toString(), ConfigLoader.TOKEN_ENV, "from-the-secret-0123456789"));
    assertTrue(config.allowRemote);
    assertNotNull(config.authToken);
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

  /** The ENTRYPOINT's flags form a configuration that starts only with a token. */
  @Test
  void containerEntrypointListensRemotelyOnlyWithAToken(@TempDir Path dir) throws Exception {
    String entry = Files.readAllLines(DEPLOY.resolve("Dockerfile")).stream()
        .filter(l -> l.startsWith("ENTRYPOINT")).reduce((a, b) -> b).orElseThrow();
    List<String> argv = new ArrayList<>();
    new ObjectMapper().readTree(entry.substring("ENTRYPOINT".length())).forEach(n -> argv.add(n.asText()));
    assertEquals(List.of("tflited", "serve"), argv.subList(0, 2));
    List<String> flags = new ArrayList<>(argv.subList(2, argv.size()));
    int models = flags.indexOf("--models");
    if (models >= 0) {
      flags.set(models + 1, dir.toString()); // the volume exists in the image, not here
    }
    Args args = ConfigLoader.declare(new Args("serve")).parse(flags.toArray(String[]::new));
    UsageException noToken = assertThrows(UsageException.class, () -> ConfigLoader.load(args, Map.of()));
    assertTrue(noToken.getMessage().contains(ConfigLoader.TOKEN_ENV), noToken.getMessage());
    DaemonConfig c = ConfigLoader.load(args, Map.of(ConfigLoader.TOKEN_ENV, "docker-run-e-token-0123456789"));
    assertTrue(c.allowRemote);
  }
}
