package io.consortium.operator.mesh;

import io.consortium.operator.mesh.protocol.PeerText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the listener for peers that open sessions: a connection without a session yet (anyone can
 * open one) is bounded in number, overall and per remote address, and in time, until its HTTP
 * upgrade and until its first frame; HTTP that is not the link's upgrade gets a plain answer. Every
 * refusal is counted in {@value #METRIC} by reason and logged within a budget, so that a flood
 * fills a counter, not the log. A connection that opened a session no longer counts.
 */
final class ListenerGuard {

  static final String METRIC = "consortium_link_connections_refused_total";

  /** Reasons, as the metric's {@code reason} label and the log say them. */
  static final String TOO_MANY_PENDING = "TooManyPending";
  static final String TOO_MANY_FROM_ADDRESS = "TooManyPendingFromAddress";
  static final String HEADER_TIMEOUT = "HeaderTimeout";
  static final String HELLO_TIMEOUT = "HelloTimeout";
  static final String NOT_FOUND = "NotFound";
  static final String NOT_WEBSOCKET = "NotWebSocket";
  static final String HANDSHAKE_FAILED = "HandshakeFailed";

  private static final Logger LOG = LoggerFactory.getLogger(ListenerGuard.class);
  private static final AttributeKey<Pending> PENDING = AttributeKey.valueOf("consortium-link-pending");

  private final ListenerLimits limits;
  private final MeterRegistry metrics;
  private final AtomicInteger pending = new AtomicInteger();
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();
  private final LogBudget logBudget = new LogBudget(20, Duration.ofSeconds(3));

  ListenerGuard(ListenerLimits limits, MeterRegistry metrics) {
    this.limits = limits;
    this.metrics = metrics;
    // Registered up front, so that a scrape shows zeros rather than nothing.
    for (String reason : new String[] {TOO_MANY_PENDING, TOO_MANY_FROM_ADDRESS, HEADER_TIMEOUT, HELLO_TIMEOUT,
        NOT_FOUND, NOT_WEBSOCKET, HANDSHAKE_FAILED}) {
      counter(reason);
    }
  }

  ListenerLimits limits() {
    return limits;
  }

  /** The first handler of a listener's pipeline: admits a connection within the caps and starts its header timer. */
  ChannelHandler admission() {
    return new Admission();
  }

  /** After the HTTP codec: answers what is not the link's upgrade; starts the wait for the first frame. */
  ChannelHandler httpGate() {
    return new HttpGate();
  }

  /** Handshakes the listener refused (no certificate, an expired one, not TLS 1.3): counted and logged. */
  void handshakeFailed(Channel channel, Throwable cause) {
    Pending p = channel.attr(PENDING).get();
    if (p != null && !p.refused.compareAndSet(false, true)) {
      return;
    }
    refuse(channel, HANDSHAKE_FAILED, cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  /** A frame arrived on a connection without a session: it no longer waits for one. */
  static void firstFrame(Channel channel) {
    Pending p = channel.attr(PENDING).get();
    if (p != null) {
      p.cancelTimer();
    }
  }

  /** The connection opened a session: it stops counting against the caps. Any thread. */
  static void sessionOpened(Channel channel) {
    Pending p = channel.attr(PENDING).get();
    if (p != null) {
      channel.eventLoop().execute(p::release);
    }
  }

  /**
   * Closes a listener's connection that did not open a session as it must, counted under {@code reason}.
   * False for a connection this side dialled, which the caller closes itself.
   */
  static boolean refuseBeforeSession(Channel channel, String reason, String message) {
    Pending p = channel.attr(PENDING).get();
    if (p == null) {
      return false;
    }
    p.refuse(reason, message);
    return true;
  }

  private Counter counter(String reason) {
    return refused.computeIfAbsent(reason, r -> Counter.builder(METRIC)
        .description("Connections the peer link's listener closed before a session opened, by reason")
        .tag("reason", r).register(metrics));
  }

  private void refuse(Channel channel, String reason, String message) {
    counter(reason).increment();
    log(channel.remoteAddress(), reason, message);
    if (channel.isActive()) {
      // A WebSocket already open hears why; before that the connection is just closed.
      if (channel.pipeline().get(HttpGate.class) == null && channel.pipeline().get("websocket") != null) {
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION.code(),
                NettyLinkConnection.fitControlFrame(reason + ": " + message)))
            .addListener(ChannelFutureListener.CLOSE);
      } else {
        channel.close();
      }
    }
  }

  private void log(SocketAddress from, String reason, String message) {
    if (logBudget.allow()) {
      long withheld = logBudget.takeWithheld();
      LOG.info("Refused a connection from {}: {}: {}{}", from, reason, PeerText.safe(message),
          withheld == 0 ? "" : " (" + withheld + " refusals before it were counted in " + METRIC + ", not logged)");
    }
  }

  private static InetAddress addressOf(Channel channel) {
    SocketAddress remote = channel.remoteAddress();
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /**
   * One connection without a session: its place in the caps and its timer (touched on its event loop
   * only), and whether it was refused (once: later frames of a refused connection are not counted again).
   */
  private final class Pending {
    final InetAddress address;
    final Channel channel;
    final java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
    ScheduledFuture<?> timer;
    boolean released;

    Pending(InetAddress address, Channel channel) {
      this.address = address;
      this.channel = channel;
    }

    void refuse(String reason, String message) {
      if (refused.compareAndSet(false, true)) {
        ListenerGuard.this.refuse(channel, reason, message);
      }
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    void release() {
      if (released) {
        return;
      }
      released = true;
      cancelTimer();
      pending.decrementAndGet();
      if (address != null) {
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      }
    }
  }

  private final class Admission extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      Channel channel = ctx.channel();
      InetAddress address = addressOf(channel);
      // Per address first: when both caps are reached, the one address flooding is the better reason.
      boolean[] admitted = {address == null};
      if (address != null) {
        perAddress.compute(address, (a, n) -> {
          int now = n == null ? 0 : n;
          if (now >= limits.maxPendingPerAddress()) {
            return n;
          }
          admitted[0] = true;
          return now + 1;
        });
      }
      if (!admitted[0]) {
        refuse(channel, TOO_MANY_FROM_ADDRESS, limits.maxPendingPerAddress() + " connections without a session are"
            + " open from this address already (--mesh-max-pending-per-address)");
        return;
      }
      if (pending.incrementAndGet() > limits.maxPending()) {
        pending.decrementAndGet();
        if (address != null) {
          perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
        refuse(channel, TOO_MANY_PENDING, limits.maxPending() + " connections without a session are open already"
            + " (--mesh-max-pending)");
        return;
      }
      Pending p = new Pending(address, channel);
      channel.attr(PENDING).set(p);
      p.timer = ctx.executor().schedule(() -> p.refuse(HEADER_TIMEOUT, "no complete TLS handshake and WebSocket"
          + " upgrade request within " + format(limits.headerTimeout()) + " (--mesh-header-timeout)"),
          limits.headerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      Pending p = ctx.channel().attr(PENDING).get();
      if (p != null) {
        p.release();
      }
      super.channelInactive(ctx);
    }
  }

  private final class HttpGate extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof FullHttpRequest request)) {
        ctx.fireChannelRead(msg);
        return;
      }
      Channel channel = ctx.channel();
      Pending p = channel.attr(PENDING).get();
      if (p != null) {
        p.cancelTimer();
      }
      boolean passed = false;
      try {
        if (request.decoderResult().isFailure()) {
          answer(ctx, HttpResponseStatus.BAD_REQUEST, NOT_WEBSOCKET, "not an HTTP request this listener reads: "
              + request.decoderResult().cause().getMessage());
          return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!MeshTransport.LINK_PATH.equals(path)) {
          answer(ctx, HttpResponseStatus.NOT_FOUND, NOT_FOUND, PeerText.safe(request.method() + " " + path, 120)
              + ": not found");
          return;
        }
        if (!HttpMethod.GET.equals(request.method())
            || !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
          answer(ctx, HttpResponseStatus.UPGRADE_REQUIRED, NOT_WEBSOCKET, PeerText.safe(request.method() + " " + path)
              + " without a WebSocket upgrade");
          return;
        }
        if (p != null) {
          p.timer = ctx.executor().schedule(() -> p.refuse(HELLO_TIMEOUT, "no HELLO or REDEEM within "
              + format(limits.helloTimeout()) + " of the WebSocket upgrade (--mesh-hello-timeout)"),
              limits.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        // The link's own upgrade: the WebSocket handler takes it from here, and frames no longer pass this gate.
        ctx.pipeline().remove(this);
        passed = true;
        ctx.fireChannelRead(request);
      } finally {
        if (!passed) {
          ReferenceCountUtil.release(request);
        }
      }
    }

    private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, String why) {
      Pending p = ctx.channel().attr(PENDING).get();
      if (p != null && !p.refused.compareAndSet(false, true)) {
        return;
      }
      counter(reason).increment();
      log(ctx.channel().remoteAddress(), reason, why);
      String body = status + "\nThis is the peer link of a consortium-operator: it speaks WebSocket over mutual TLS"
          + " at " + MeshTransport.LINK_PATH + ", and nothing else.\n";
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      if (status == HttpResponseStatus.UPGRADE_REQUIRED) {
        response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      }
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
