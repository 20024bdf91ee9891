package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.DataType;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Unix socket transport driven by the clients users have: curl --unix-socket, and a
 * Netty HTTP client over a domain socket channel (keep-alive, several requests).
 */
class UnixSocketClientsTest {
  private static final ObjectMapper M = new ObjectMapper();
  @TempDir static Path tmp;
  static Daemon daemon;
  static Path socket;

  @BeforeAll
  static void start() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    TestModels.write(models, "vec", TestModels.single(DataType.FLOAT32, 1, 3));
    DaemonConfig c = new DaemonConfig();
    c.http = "";
    socket = tmp.resolve("u.sock");
    c.socket = socket.toString();
    c.models = models;
    daemon = Daemon.start(c, Map.of());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.stop();
    }
  }

  @Test
  void curlOverTheSocket() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
    Process p = new ProcessBuilder("/usr/bin/curl", "-sS", "--unix-socket", socket.toString(),
            "-H", "Content-Type: application/json",
            "-d", "{\"inputs\":[{\"name\":\"in\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}",
            "-w", "\\n%{http_code}", "http://localhost/v2/models/vec/infer")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String[] lines = out.strip().split("\n");
    assertEquals("200", lines[lines.length - 1], out);
    JsonNode body = M.readTree(lines[0]);
    assertEquals(3, body.at("/outputs/0/data").size(), out);
  }

  @Test
  void nettyClientKeepsTheConnectionForSeveralRequests() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    BlockingQueue<FullHttpResponse> answers = new ArrayBlockingQueue<>(8);
    try {
      Channel ch = new Bootstrap().group(group).channel(NioDomainSocketChannel.class)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
              c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                  new SimpleChannelInboundHandler<FullHttpResponse>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                      answers.add(r.retainedDuplicate());
                    }
                  });
            }
          })
          .connect(UnixDomainSocketAddress.of(socket)).sync().channel();
      List<String> paths = List.of("/v2/health/ready", "/v2/models/vec", "/v2/models/nope");
      List<Integer> codes = new ArrayList<>();
      for (String path : paths) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
        req.headers().set(HttpHeaderNames.HOST, "localhost");
        ch.writeAndFlush(req).sync();
        FullHttpResponse r = answers.poll(30, TimeUnit.SECONDS);
        codes.add(r.status().code());
        r.release();
      }
      assertEquals(List.of(200, 200, 404), codes);
      assertTrue(ch.isActive(), "keep-alive connection still open");
      ch.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
