package io.consortium.operator.mesh;

import io.consortium.operator.identity.InstanceIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProtocols;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer link's transport: WebSocket over TLS 1.3, both ends presenting their instance
 * certificate, no CA trusted. The dialling side checks the listener's key against the pin it holds;
 * the listener lets any certificate through the handshake (an invitee is not pinned before it
 * redeems) and reports the proven key, so that the session decides whom it talks to.
 */
public final class MeshTransport implements AutoCloseable {

  /** Path of the link on the listener. */
  public static final String LINK_PATH = "/link";

  private static final Logger LOG = LoggerFactory.getLogger(MeshTransport.class);

  /** The identity new handshakes use; swapped on renewal and key retirement, live links keep theirs. */
  private final Supplier<InstanceIdentity> identity;
  private volatile ServerTls serverTls;
  private final int frameLimit;
  private final LinkTiming timing;
  private final ListenerGuard guard;
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private Channel listener;

  public MeshTransport(InstanceIdentity identity, long frameLimit, LinkTiming timing) {
    this(() -> identity, frameLimit, timing);
  }

  /** With the listener's default limits, its refusals counted in a registry of its own. */
  public MeshTransport(Supplier<InstanceIdentity> identity, long frameLimit, LinkTiming timing) {
    this(identity, frameLimit, timing, ListenerLimits.DEFAULT, new SimpleMeterRegistry());
  }

  public MeshTransport(Supplier<InstanceIdentity> identity, long frameLimit, LinkTiming timing, ListenerLimits limits,
      MeterRegistry metrics) {
    this.identity = identity;
    this.frameLimit = (int) Math.min(Integer.MAX_VALUE, frameLimit);
    this.timing = timing;
    this.guard = new ListenerGuard(limits, metrics);
  }

  /** What the listener allows connections that have not opened a session. */
  public ListenerLimits listenerLimits() {
    return guard.limits();
  }

  /** Binds the listener now, so that an occupied port is reported at start, not later. */
  public int listen(String address, int port, LinkHandler handler) {
    serverContext();
    try {
      listener = new ServerBootstrap()
          .group(boss, workers)
          .channel(NioServerSocketChannel.class)
          // A restarted operator binds its port again at once, whatever connections linger in TIME_WAIT.
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ChannelPipeline p = ch.pipeline();
              // Caps and timers first: a connection over the caps costs no TLS handshake.
              p.addLast("admission", guard.admission());
              io.netty.handler.ssl.SslHandler tls = serverContext().newHandler(ch.alloc());
              // The header timeout (from the accept, TLS included) is the only clock: one flag, one reason.
              tls.setHandshakeTimeoutMillis(0);
              p.addLast("tls", tls);
              p.addLast("handshake-log", new HandshakeFailureLogger(guard));
              p.addLast("http", new HttpServerCodec());
              p.addLast("aggregate", new HttpObjectAggregator(64 * 1024));
              p.addLast("http-gate", guard.httpGate());
              p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                  .websocketPath(LINK_PATH)
                  .maxFramePayloadLength(frameLimit)
                  .handshakeTimeoutMillis(timing.handshakeTimeout().toMillis())
                  .dropPongFrames(false)
                  // Close frames reach the link handler, so that the reason a peer gave is kept.
                  .handleCloseFrames(false)
                  .build()));
              p.addLast("link", new LinkFrameHandler(handler, timing, false));
            }
          })
          .bind(new InetSocketAddress(address, port))
          .syncUninterruptibly()
          .channel();
    } catch (Exception e) {
      // netty rethrows the checked BindException from syncUninterruptibly without declaring it.
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new IllegalStateException("cannot listen on mesh port " + port + " (" + address + "): "
            + e.getMessage() + "; choose another with --mesh-port");
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
    int bound = ((InetSocketAddress) listener.localAddress()).getPort();
    LOG.info("Peer link listening on {}:{} (WebSocket over TLS 1.3, client certificates required)", address, bound);
    return bound;
  }

  /**
   * Dials a peer. The future completes with the open link, or fails with a {@link LinkFailure}
   * whose reason says what went wrong: PeerUnreachable, PinMismatch or HandshakeFailed.
   */
  public CompletableFuture<LinkConnection> dial(URI url, String pinnedInstanceId, LinkHandler handler) {
    return dial(url, Set.of(pinnedInstanceId), handler);
  }

  /** As above, accepting any of several pins (a peer's new key, and its previous one during a rollover). */
  public CompletableFuture<LinkConnection> dial(URI url, Set<String> pins, LinkHandler handler) {
    if (!"wss".equals(url.getScheme()) || url.getHost() == null) {
      return CompletableFuture.failedFuture(new LinkFailure("PeerUnreachable", "'" + url + "' is not a wss:// URL"));
    }
    int port = url.getPort() > 0 ? url.getPort() : 443;
    URI linkUri = URI.create("wss://" + url.getHost() + ":" + port + LINK_PATH);
    SslContext tls = clientContext(pins);
    DialOutcome outcome = new DialOutcome(handler, url);
    ChannelFuture connect = new Bootstrap()
        .group(workers)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timing.handshakeTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            p.addLast("tls", tls.newHandler(ch.alloc(), url.getHost(), port));
            p.addLast("handshake-outcome", outcome.tlsWatcher());
            p.addLast("http", new HttpClientCodec());
            p.addLast("aggregate", new HttpObjectAggregator(64 * 1024));
            p.addLast("websocket", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(linkUri)
                .maxFramePayloadLength(frameLimit)
                .handshakeTimeoutMillis(timing.handshakeTimeout().toMillis())
                .dropPongFrames(false)
                .handleCloseFrames(false)
                .build()));
            p.addLast("link", new LinkFrameHandler(outcome, timing, true));
          }
        })
        .connect(url.getHost(), port);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        Throwable cause = f.cause();
        outcome.fail(new LinkFailure("PeerUnreachable", "cannot connect to " + url + ": "
            + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())));
      } else {
        connect.channel().closeFuture().addListener(c -> outcome.fail(new LinkFailure("HandshakeFailed",
            "the connection to " + url + " closed before the link opened")));
      }
    });
    return outcome.future();
  }

  private record ServerTls(InstanceIdentity identity, SslContext context) {}

  /** The listener's TLS context for the identity in use now, made again when that changes. */
  private SslContext serverContext() {
    InstanceIdentity now = identity.get();
    ServerTls cached = serverTls;
    if (cached != null && cached.identity() == now) {
      return cached.context();
    }
    SslContext context = serverContext(now);
    serverTls = new ServerTls(now, context);
    return context;
  }

  private static SslContext serverContext(InstanceIdentity identity) {
    try {
      return SslContextBuilder.forServer(identity.keyPair().getPrivate(), identity.certificate())
          .protocols(SslProtocols.TLS_v1_3)
          .clientAuth(ClientAuth.REQUIRE)
          .trustManager(new PinningTrustManager(anyKey -> true))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context of the peer link: " + e.getMessage(), e);
    }
  }

  private SslContext clientContext(Set<String> pins) {
    InstanceIdentity now = identity.get();
    try {
      return SslContextBuilder.forClient()
          .keyManager(now.keyPair().getPrivate(), now.certificate())
          .protocols(SslProtocols.TLS_v1_3)
          .trustManager(new PinningTrustManager(pins))
          // Trust is the key pin, not a name: a peer behind any host name or IP is the same peer.
          .endpointIdentificationAlgorithm(null)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context of the peer link: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Counts and logs handshakes the listener refused (no certificate, expired certificate, not TLS 1.3). */
  private static final class HandshakeFailureLogger extends io.netty.channel.ChannelInboundHandlerAdapter {
    private final ListenerGuard guard;

    HandshakeFailureLogger(ListenerGuard guard) {
      this.guard = guard;
    }

    @Override
    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
        guard.handshakeFailed(ctx.channel(), completion.cause());
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
