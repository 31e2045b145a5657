package io.consortium.operator.mesh;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;

/** A {@link LinkConnection} over a netty channel whose WebSocket handshake completed. */
final class NettyLinkConnection implements LinkConnection {

  private final Channel channel;
  private final X509Certificate peerCertificate;
  private final String peerInstanceId;
  private final boolean dialled;
  private volatile String closeReason;
  private final LogBudget logBudget = LogBudget.perLink();

  NettyLinkConnection(Channel channel, X509Certificate peerCertificate, String peerInstanceId, boolean dialled) {
    this.channel = channel;
    this.peerCertificate = peerCertificate;
    this.peerInstanceId = peerInstanceId;
    this.dialled = dialled;
  }

  @Override
  public String peerInstanceId() {
    return peerInstanceId;
  }

  @Override
  public X509Certificate peerCertificate() {
    return peerCertificate;
  }

  @Override
  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  @Override
  public boolean dialled() {
    return dialled;
  }

  @Override
  public CompletableFuture<Void> sendText(String text) {
    if (!FrameTap.INSTALLED.isEmpty()) {
      FrameTap.notify(true, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return completion(channel.writeAndFlush(new TextWebSocketFrame(text)));
  }

  @Override
  public CompletableFuture<Void> sendBinary(byte[] data) {
    if (!FrameTap.INSTALLED.isEmpty()) {
      FrameTap.notify(true, data);
    }
    return completion(channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))));
  }

  @Override
  public void close(String reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
    if (channel.isActive()) {
      channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), fitControlFrame(reason)))
          .addListener(f -> channel.close());
    }
  }

  /** A close reason must fit a control frame: 123 bytes of UTF-8 at most. */
  static String fitControlFrame(String reason) {
    byte[] utf8 = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (utf8.length <= 120) {
      return reason;
    }
    int end = 120;
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
      end--; // not in the middle of a character
    }
    return new String(utf8, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void refuseBeforeSession(String reason, String message) {
    noteCloseReason(reason + ": " + message);
    if (!ListenerGuard.refuseBeforeSession(channel, reason, message)) {
      close(reason + ": " + message);
    }
  }

  @Override
  public void sessionOpened() {
    ListenerGuard.sessionOpened(channel);
  }

  @Override
  public LogBudget logBudget() {
    return logBudget;
  }

  /** Why the link closed, if this side said so. */
  String closeReason() {
    return closeReason;
  }

  void noteCloseReason(String reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  private static CompletableFuture<Void> completion(ChannelFuture future) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    future.addListener(f -> {
      if (f.isSuccess()) {
        done.complete(null);
      } else {
        done.completeExceptionally(f.cause());
      }
    });
    return done;
  }

  @Override
  public String toString() {
    return "link to " + peerInstanceId.substring(0, 12) + " at " + channel.remoteAddress();
  }
}
