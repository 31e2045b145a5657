package io.consortium.operator.runtime;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A port held from the start until its real listener takes it over, so that a port in use is found in
 * the first second, with the flag to change, rather than after the identity and the controllers are up.
 */
final class PortReservation implements AutoCloseable {

  private final ServerSocket socket;
  private final int port;

  private PortReservation(ServerSocket socket) {
    this.socket = socket;
    this.port = socket.getLocalPort();
  }

  static PortReservation bind(String address, int port, String what, String flag) {
    ServerSocket socket = null;
    try {
      socket = new ServerSocket();
      // As the listener that takes the port over: lingering connections of an earlier run do not hold it.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port), 1);
      return new PortReservation(socket);
    } catch (BindException e) {
      closeQuietly(socket);
      throw new IllegalStateException("cannot listen on " + what + " port " + port + " (" + address + "): "
          + e.getMessage() + "; choose another with " + flag);
    } catch (IOException | IllegalArgumentException e) {
      closeQuietly(socket);
      throw new IllegalStateException("cannot listen on " + what + " port " + port + " (" + address + "): "
          + e.getMessage() + "; check " + flag + " and --mesh-bind-address");
    }
  }

  int port() {
    return port;
  }

  /** Lets the port go, for its listener to bind it at once. */
  @Override
  public void close() {
    closeQuietly(socket);
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing a listening socket that was never used: nothing to report.
      }
    }
  }
}
