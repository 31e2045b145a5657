package io.consortium.operator.mesh;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Turns what happens while dialling into one future: the open link, or why there is none. */
final class DialOutcome implements LinkHandler {

  private final LinkHandler handler;
  private final URI url;
  private final CompletableFuture<LinkConnection> future = new CompletableFuture<>();

  DialOutcome(LinkHandler handler, URI url) {
    this.handler = handler;
    this.url = url;
  }

  CompletableFuture<LinkConnection> future() {
    return future;
  }

  void fail(LinkFailure failure) {
    future.completeExceptionally(failure);
  }

  ChannelInboundHandlerAdapter tlsWatcher() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
          String message = rootMessage(completion.cause());
          fail(pinFailure(message).orElse(new LinkFailure("HandshakeFailed", "TLS with " + url + " failed: " + message)));
          ctx.close();
          return;
        }
        super.userEventTriggered(ctx, event);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String message = rootMessage(cause);
        fail(pinFailure(message).orElse(new LinkFailure("HandshakeFailed", "link to " + url + " failed: " + message)));
        ctx.close();
      }
    };
  }

  /** The pin check's verdict, if the handshake failed on it. */
  private java.util.Optional<LinkFailure> pinFailure(String message) {
    int rolled = message.indexOf("PinRolledWhileOffline: ");
    if (rolled >= 0) {
      return java.util.Optional.of(new LinkFailure("PinRolledWhileOffline",
          "the peer at " + url + " " + message.substring(rolled + "PinRolledWhileOffline: the peer ".length())));
    }
    if (message.contains("PinMismatch")) {
      return java.util.Optional.of(new LinkFailure("PinMismatch",
          "the peer at " + url + " did not present the pinned key: " + message));
    }
    return java.util.Optional.empty();
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  @Override
  public void onOpen(LinkConnection link) {
    if (future.isDone()) {
      link.close("dial abandoned");
      return;
    }
    // The handler learns of the link before whoever waits on the future sends on it.
    handler.onOpen(link);
    future.complete(link);
  }

  @Override
  public void onText(LinkConnection link, String text) {
    handler.onText(link, text);
  }

  @Override
  public void onBinary(LinkConnection link, byte[] data) {
    handler.onBinary(link, data);
  }

  @Override
  public void onClose(LinkConnection link, String reason) {
    handler.onClose(link, reason);
  }
}
