package io.consortium.operator.mesh;

import io.consortium.operator.identity.InstanceIdentity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProtocols;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer link's TLS 1.3 listener: it presents the instance certificate, demands one from the
 * other side and lets through only keys pinned by a pairing. The WebSocket link runs on top of it.
 */
public final class MeshListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MeshListener.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  private MeshListener(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
  }

  /** Binds the mesh port now, so that an occupied port is reported at start, not later. */
  public static MeshListener bind(String address, int port, InstanceIdentity identity, Predicate<String> pinned) {
    SslContext tls = serverContext(identity, pinned);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      Channel channel = new ServerBootstrap()
          .group(boss, workers)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
              ch.pipeline().addLast("handshake", new HandshakeOutcome());
            }
          })
          .bind(new InetSocketAddress(address, port))
          .syncUninterruptibly()
          .channel();
      LOG.info("Peer link listening on {}:{} (TLS 1.3, pinned client certificates)", address, port);
      return new MeshListener(boss, workers, channel);
    } catch (Exception e) {
      // netty rethrows the checked BindException from syncUninterruptibly without declaring it.
      boss.shutdownGracefully();
      workers.shutdownGracefully();
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new IllegalStateException("cannot listen on mesh port " + port + " (" + address + "): "
            + e.getMessage() + "; choose another with --mesh-port");
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  static SslContext serverContext(InstanceIdentity identity, Predicate<String> pinned) {
    try {
      return SslContextBuilder.forServer(identity.keyPair().getPrivate(), identity.certificate())
          .protocols(SslProtocols.TLS_v1_3)
          .clientAuth(ClientAuth.REQUIRE)
          .trustManager(new PinningTrustManager(pinned))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context of the peer link: " + e.getMessage(), e);
    }
  }

  /** Logs who connected; connections that fail the pin never get past the handshake. */
  private static final class HandshakeOutcome extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
        LOG.info("Refused a peer link from {}: {}", ctx.channel().remoteAddress(), completion.cause().getMessage());
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully();
    workers.shutdownGracefully();
  }
}
