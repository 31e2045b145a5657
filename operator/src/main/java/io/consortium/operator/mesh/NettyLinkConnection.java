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
      // A close reason must fit a control frame (123 bytes).
      String shortReason = reason.length() > 120 ? reason.substring(0, 120) : reason;
      channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), shortReason))
          .addListener(f -> channel.close());
    }
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
