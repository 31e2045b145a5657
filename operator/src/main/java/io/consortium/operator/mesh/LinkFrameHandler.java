package io.consortium.operator.mesh;

import io.consortium.operator.mesh.protocol.PeerText;
import io.consortium.operator.identity.InstanceIdentity;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The last handler of a link's pipeline, the same on both sides: turns a completed WebSocket
 * handshake into a {@link LinkConnection}, hands frames to the {@link LinkHandler}, and pings.
 */
final class LinkFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

  private final LinkHandler handler;
  private final LinkTiming timing;
  private final boolean dialled;
  private NettyLinkConnection connection;
  private ScheduledFuture<?> pinger;
  private int unansweredPings;
  /** On the listener's side: whether the dialler sent its first frame (it stops the listener's wait for one). */
  private boolean heardFirstFrame;

  LinkFrameHandler(LinkHandler handler, LinkTiming timing, boolean dialled) {
    this.handler = handler;
    this.timing = timing;
    this.dialled = dialled;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    boolean open = event instanceof WebSocketServerProtocolHandler.HandshakeComplete
        || event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE;
    if (open && connection == null) {
      X509Certificate peer;
      try {
        peer = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates()[0];
      } catch (SSLPeerUnverifiedException e) {
        ctx.close();
        return;
      }
      connection = new NettyLinkConnection(ctx.channel(), peer, InstanceIdentity.instanceIdOf(peer.getPublicKey()), dialled);
      long interval = timing.pingInterval().toMillis();
      pinger = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), interval, interval, TimeUnit.MILLISECONDS);
      handler.onOpen(connection);
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  private void ping(ChannelHandlerContext ctx) {
    if (unansweredPings >= timing.missedPongLimit()) {
      connection.noteCloseReason("PeerOffline: no answer to " + unansweredPings + " pings in a row");
      ctx.close();
      return;
    }
    unansweredPings++;
    ctx.writeAndFlush(new PingWebSocketFrame());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    // Any frame shows the peer is alive, not only a pong.
    unansweredPings = 0;
    if (connection == null) {
      return;
    }
    if (!dialled && !heardFirstFrame && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)) {
      heardFirstFrame = true;
      ListenerGuard.firstFrame(ctx.channel());
    }
    if (frame instanceof TextWebSocketFrame text) {
      String content = text.text();
      if (!FrameTap.INSTALLED.isEmpty()) {
        FrameTap.notify(false, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      handler.onText(connection, content);
    } else if (frame instanceof BinaryWebSocketFrame binary) {
      byte[] content = ByteBufUtil.getBytes(binary.content());
      if (!FrameTap.INSTALLED.isEmpty()) {
        FrameTap.notify(false, content);
      }
      handler.onBinary(connection, content);
    } else if (frame instanceof CloseWebSocketFrame close) {
      connection.noteCloseReason("closed by the peer: " + PeerText.safe(close.reasonText()));
      ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), null)).addListener(f -> ctx.close());
    } else if (frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame) {
      // handled by netty (pings are answered) and by the reset above
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (pinger != null) {
      pinger.cancel(false);
    }
    if (connection != null) {
      String reason = connection.closeReason();
      handler.onClose(connection, reason != null ? reason : "the connection was lost");
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (connection != null) {
      Throwable root = cause.getCause() != null ? cause.getCause() : cause;
      if (root instanceof CorruptedFrameException || root.getClass().getSimpleName().contains("TooLongFrame")) {
        connection.noteCloseReason("FrameRejected: " + PeerText.safe(root.getMessage()));
      } else {
        connection.noteCloseReason(root.getMessage() == null ? root.getClass().getSimpleName()
            : PeerText.safe(root.getMessage()));
      }
    }
    ctx.close();
  }
}
