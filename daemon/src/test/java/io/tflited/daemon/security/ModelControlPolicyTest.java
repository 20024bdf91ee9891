package io.tflited.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.config.DaemonConfig.ModelControl;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.daemon.transport.AccessPolicy;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model_control: local (default) lets loopback and Unix socket clients use /v2/repository/*
 * and answers 403 to others; all lets everyone; off nobody. The end-to-end case binds
 * 0.0.0.0 and connects through a non-loopback address of this machine (from
 * NetworkInterface); the policy function itself is tested for every client kind.
 */
class ModelControlPolicyTest {
  private static final String TOKEN = SecurityTest.TOKEN;
  private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + TOKEN);
  @TempDir Path tmp;

  @Test
  void policyFunction() throws Exception {
    InetSocketAddress loop4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000);
    InetSocketAddress loop6 = new InetSocketAddress(InetAddress.getByName("::1"), 5000);
    InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 5000);
    InetSocketAddress remote6 = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 5000);
    UnixDomainSocketAddress unix = UnixDomainSocketAddress.of("/run/tflited/tflited.sock");
    assertTrue(AccessPolicy.modelControlAllowed(ModelControl.LOCAL, loop4));
    assertTrue(AccessPolicy.modelControlAllowed(ModelControl.LOCAL, loop6));
    assertTrue(AccessPolicy.modelControlAllowed(ModelControl.LOCAL, unix));
    assertFalse(AccessPolicy.modelControlAllowed(ModelControl.LOCAL, remote));
    assertFalse(AccessPolicy.modelControlAllowed(ModelControl.LOCAL, remote6));
    for (var a : new java.net.SocketAddress[] {loop4, remote, unix}) {
      assertTrue(AccessPolicy.modelControlAllowed(ModelControl.ALL, a));
      assertFalse(AccessPolicy.modelControlAllowed(ModelControl.OFF, a));
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }

  private Daemon start(ModelControl control) throws Exception {
    DaemonConfig c = new DaemonConfig();
    c.http = "0.0.0.0:0";
    c.allowRemote = true;
    c.authToken = TOKEN;
    c.modelControl = control;
    c.socket = tmp.resolve(control.name() + ".sock").toString();
    return Daemon.start(c, Map.of());
  }

  private static int index(java.net.SocketAddress at) throws Exception {
    try (RawHttp h = new RawHttp(at)) {
      return h.request("POST", "/v2/repository/index", AUTH, new byte[0]).status();
    }
  }

  @Test
  void localPolicyOverTheNetwork() throws Exception {
    Optional<InetAddress> lan = nonLoopbackAddress();
    assumeTrue(lan.isPresent(), "no non-loopback IPv4 address on this machine: policyFunction covers remote clients");
    Daemon d = start(ModelControl.LOCAL);
    try {
      int port = d.tcpAddress().getPort();
      try (RawHttp h = new RawHttp(new InetSocketAddress(lan.get(), port))) {
        RawHttp.Reply r = h.request("POST", "/v2/repository/index", AUTH, new byte[0]);
        assertEquals(403, r.status(), "client at " + lan.get() + ": " + r.text());
        assertTrue(r.text().contains("model_control"), r.text());
        assertEquals(403, h.request("POST", "/v2/repository/models/demo/unload", AUTH, new byte[0]).status());
        assertEquals(403, h.request("POST", "/v2/repository/models/demo/load", AUTH, new byte[0]).status());
        // Inference and metadata stay available to the remote client.
        assertEquals(200, h.get("/v2/models/demo", AUTH).status());
        // Without the token the answer is 401 first: nothing is revealed to strangers.
        assertEquals(401, h.request("POST", "/v2/repository/index", Map.of(), new byte[0]).status());
      }
      assertEquals(200, index(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)));
      assertEquals(200, index(UnixDomainSocketAddress.of(d.socketPath())));
    } finally {
      d.stop();
    }
    d = start(ModelControl.ALL);
    try {
      assertEquals(200, index(new InetSocketAddress(lan.get(), d.tcpAddress().getPort())));
    } finally {
      d.stop();
    }
  }

  @Test
  void offRefusesEveryone() throws Exception {
    Daemon d = start(ModelControl.OFF);
    try {
      assertEquals(403, index(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), d.tcpAddress().getPort())));
      assertEquals(403, index(UnixDomainSocketAddress.of(d.socketPath())));
    } finally {
      d.stop();
    }
  }
}
