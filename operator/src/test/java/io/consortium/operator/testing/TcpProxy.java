package io.consortium.operator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on loopback between two instances, to cut a link as a broken network would: it can
 * drop every connection and refuse new ones until allowed again.
 */
public final class TcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicBoolean refusing = new AtomicBoolean();
  private final AtomicBoolean frozen = new AtomicBoolean();
  /** Bytes forwarded towards the dialling side; a cut is armed at a count. */
  private final java.util.concurrent.atomic.AtomicLong towardsClient = new java.util.concurrent.atomic.AtomicLong();
  private volatile long cutAt = Long.MAX_VALUE;
  private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
  private final Thread acceptor;

  public TcpProxy(int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Connections let through so far. */
  public int connections() {
    return connections.get();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Drops every connection and refuses new ones, as a network partition does. */
  public void cut() {
    refusing.set(true);
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    open.clear();
  }

  /** Keeps connections open but lets nothing through, as a peer that hangs or a silent firewall does. */
  public void freeze() {
    frozen.set(true);
  }

  /** Cuts every connection once {@code more} further bytes went towards the dialling side, then lets them in again. */
  public void cutAfter(long more) {
    cutAt = towardsClient.get() + more;
  }

  /** Lets connections through again. */
  public void restore() {
    refusing.set(false);
    frozen.set(false);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (refusing.get()) {
          client.close();
          continue;
        }
        Socket target = new Socket();
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        open.add(client);
        open.add(target);
        connections.incrementAndGet();
        pipe(client, target, false);
        pipe(target, client, true);
      } catch (IOException e) {
        // the server closed, or the target refused: the client sees its connection drop
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean towardsTheClient) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!frozen.get()) {
            out.write(buffer, 0, n);
            out.flush();
          }
          if (towardsTheClient && towardsClient.addAndGet(n) >= cutAt) {
            cutAt = Long.MAX_VALUE;
            cut();
            restore();
          }
        }
      } catch (IOException ignored) {
        // one side went away
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "tcp-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    cut();
    server.close();
  }
}
