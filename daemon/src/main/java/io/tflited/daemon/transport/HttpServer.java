package io.tflited.daemon.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.http.Api;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP/1.1 over TCP and over a Unix domain socket (Netty NIO), sharing one pipeline. */
public final class HttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final DaemonConfig config;
  private final Api api;
  private final EventLoopGroup group;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  /** Request body bytes being aggregated now, over every connection ({@link BodyBudget}). */
  private final AtomicLong bodyBytes = new AtomicLong();
  /** Requests whose body is still arriving ({@link UploadTracker}). */
  private final AtomicInteger uploading = new AtomicInteger();
  private final long bodyCapacity = BodyBudget.defaultCapacity();
  private final AccessPolicy policy;
  private Channel tcp;
  private volatile Channel uds;
  private SocketFileWatch socketWatch;
  private Path socketPath;
  private volatile boolean closing;

  public HttpServer(DaemonConfig config, Api api) {
    this.config = config;
    this.api = api;
    this.policy = new AccessPolicy(config.authToken, config.modelControl);
    this.group = new MultiThreadIoEventLoopGroup(
        Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())), NioIoHandler.newFactory());
  }

  /**
   * The pipeline of one connection:
   *
   * <pre>
   *   [TLS] -> write timeout -> read/idle deadlines -> HTTP codec (line and header limits)
   *         -> access check on the head -> body limit -> API
   * </pre>
   *
   * Connections beyond max_connections get a 503 and are closed; the count is released by the
   * channel's close future, whatever closes it.
   */
  private ChannelInitializer<Channel> initializer(SslContext ssl) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
          SslHandler tls = ssl.newHandler(ch.alloc());
          tls.setHandshakeTimeoutMillis(config.readTimeoutMs);
          p.addLast("tls", tls);
        }
        p.addLast("write-timeout", new WriteTimeoutHandler(config.writeTimeoutMs, TimeUnit.MILLISECONDS));
        boolean admitted = connections.incrementAndGet() <= config.maxConnections;
        if (!admitted) {
          connections.decrementAndGet();
          p.addLast("codec", new HttpServerCodec(config.maxHeaderBytes, config.maxHeaderBytes, 65536))
              .addLast("reject", new TooManyConnections(config.maxConnections, api.metrics()));
          return;
        }
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        ConnectionTimeouts timeouts = new ConnectionTimeouts(config.readTimeoutMs, config.idleTimeoutMs, api.metrics());
        p.addLast("timeouts", timeouts)
            .addLast("codec", new HttpServerCodec(config.maxHeaderBytes, config.maxHeaderBytes, 65536))
            .addLast("access", new AccessGate(policy))
            .addLast("body-budget", new BodyBudget(bodyBytes, bodyCapacity, api.metrics()))
            .addLast("uploads", new UploadTracker(uploading))
            .addLast("aggregate", new LimitedAggregator((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes), api.metrics()))
            .addLast("api", new RequestHandler(api, HttpServer.this, timeouts));
      }
    };
  }

  private ServerBootstrap bootstrap(Class<? extends io.netty.channel.ServerChannel> type, SslContext ssl) {
    return new ServerBootstrap().group(group).channel(type)
        // Outbound bytes above the high mark make the channel unwritable; answers are written
        // one at a time, so a client that stops reading holds at most one answer here.
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
        .childHandler(initializer(ssl));
  }

  /** Open connections (admitted ones, over all listeners). */
  public int openConnections() {
    return connections.get();
  }

  private SslContext tls() throws IOException {
    if (config.tlsCert == null) {
      return null;
    }
    try {
      return SslContextBuilder.forServer(config.tlsCert.toFile(), config.tlsKey.toFile())
          .sslProvider(SslProvider.JDK).build();
    } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
      throw new IOException("cannot load the TLS certificate/key (keys tls_cert " + config.tlsCert
          + ", tls_key " + config.tlsKey + "; PEM, PKCS#8 key): " + e.getMessage(), e);
    }
  }

  /** Binds the configured listeners. */
  public void start(Path defaultSocket) throws IOException, InterruptedException {
    try {
      String problem = config.remoteAccessProblem();
      if (problem != null) {
        throw new IOException(problem);
      }
      if (!config.http.isEmpty()) {
        int colon = config.http.lastIndexOf(':');
        String host = config.http.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(config.http.substring(colon + 1));
        SslContext ssl = tls();
        SocketAddress addr = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        try {
          tcp = bootstrap(NioServerSocketChannel.class, ssl).bind(addr).sync().channel();
        } catch (Exception e) {
          throw new java.net.BindException("cannot listen on " + config.http + ": " + e.getMessage());
        }
        channels.add(tcp);
        LOG.info("listening on {}://{} ({}; model control: {})", ssl == null ? "http" : "https",
            hostPort(tcpAddress()), config.authToken == null ? "no token" : "bearer token required",
            config.modelControl.name().toLowerCase());
      }
      if (config.socket == null || !config.socket.isEmpty()) {
        socketPath = config.socket == null ? defaultSocket : Path.of(config.socket);
        Path dir = socketPath.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
          Files.createDirectories(dir);
          try {
            Files.setPosixFilePermissions(dir, perms(0750));
          } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("cannot restrict {}: {}", dir, e.toString());
          }
        }
        removeStaleSocket(socketPath);
        uds = bindUnix();
        LOG.info("listening on unix:{}", socketPath);
        socketWatch = new SocketFileWatch(socketPath, this::rebindUnix);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private Channel bindUnix() throws IOException {
    Channel ch;
    try {
      ch = bootstrap(NioServerDomainSocketChannel.class, null)
          .bind(UnixDomainSocketAddress.of(socketPath)).sync().channel();
    } catch (Exception e) {
      throw new IOException("cannot listen on unix:" + socketPath + ": " + e.getMessage(), e);
    }
    channels.add(ch);
    try {
      Files.setPosixFilePermissions(socketPath, perms(config.socketMode));
    } catch (UnsupportedOperationException | IOException e) {
      LOG.warn("cannot set the mode of {}: {}", socketPath, e.toString());
    }
    return ch;
  }

  /** The socket file was deleted: listen at the path again (open connections stay). */
  private synchronized void rebindUnix() throws IOException {
    if (closing) {
      return;
    }
    Path dir = socketPath.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    // Close first: Netty deletes the path when a domain-socket listener closes.
    uds.close().awaitUninterruptibly();
    uds = bindUnix();
  }

  /** Checks now that the socket file is still ours and listens again if it was deleted (SIGHUP). */
  public void checkSocketFile() {
    if (socketWatch != null) {
      socketWatch.check();
    }
  }

  /**
   * Deletes a socket file left by a previous run. Refuses to delete anything that is not a
   * socket, or a socket another process is still listening on.
   */
  static void removeStaleSocket(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode;
    try {
      mode = (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      mode = 0140000;
    }
    if ((mode & 0170000) != 0140000) {
      throw new IOException(p + " exists and is not a socket; refusing to replace it");
    }
    boolean live;
    try {
      java.nio.channels.SocketChannel.open(UnixDomainSocketAddress.of(p)).close();
      live = true;
    } catch (IOException e) {
      live = false; // nobody listening: stale
    }
    if (live) {
      throw new IOException("another process is listening on " + p);
    }
    LOG.info("removing stale socket {}", p);
    Files.deleteIfExists(p);
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  static Set<PosixFilePermission> perms(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        s.add(order[i]);
      }
    }
    return s;
  }

  /** The bound TCP address (null when TCP is disabled). */
  public InetSocketAddress tcpAddress() {
    return tcp == null ? null : (InetSocketAddress) tcp.localAddress();
  }

  /** The Unix socket path (null when disabled). */
  public Path socketPath() {
    return uds == null ? null : socketPath;
  }

  /** Requests received and not yet answered (or dropped with their connection). */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests whose head has arrived and whose body is still arriving. */
  public int uploading() {
    return uploading.get();
  }

  void requestStarted() {
    inFlight.incrementAndGet();
  }

  void requestFinished() {
    inFlight.decrementAndGet();
  }

  boolean isClosing() {
    return closing;
  }

  /** Stops accepting connections; answered requests then close their connection. */
  public synchronized void stopAccepting() {
    closing = true;
    if (socketWatch != null) {
      socketWatch.close();
    }
    if (tcp != null) {
      tcp.close().awaitUninterruptibly();
    }
    if (uds != null) {
      uds.close().awaitUninterruptibly();
    }
  }

  /** Waits until no request is arriving or being answered; false on timeout. */
  public boolean awaitIdle(long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    while (inFlight.get() > 0 || uploading.get() > 0) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Closes every connection, the event loops and removes the socket file. */
  public void close() {
    stopAccepting();
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    if (uds != null && socketPath != null) {
      try {
        Files.deleteIfExists(socketPath);
      } catch (IOException e) {
        LOG.warn("cannot remove {}: {}", socketPath, e.toString());
      }
    }
  }
}
