package io.consortium.operator.testing;

import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.SelfSignedCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A client of a peer link's listener below the WebSocket: a TCP connection, optionally TLS with a
 * certificate of its own (anyone can make one), then whatever bytes the test writes: half a request,
 * a plain GET, nothing. Connects from a loopback address of the test's choice (127.0.0.2, ...), so
 * that a flood comes from another address than the honest peer's.
 */
public final class RawTlsClient implements AutoCloseable {

  private final Socket socket;

  private RawTlsClient(Socket socket) {
    this.socket = socket;
  }

  /** A TCP connection only, from {@code from}. */
  public static RawTlsClient tcp(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    return new RawTlsClient(socket);
  }

  /** TLS 1.3 with a fresh self-signed certificate (an unpaired stranger), handshake done, from {@code from}. */
  public static RawTlsClient tls(String from, int port) throws Exception {
    SSLSocket socket = (SSLSocket) strangersTls().getSocketFactory().createSocket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    socket.setSoTimeout(30_000);
    socket.startHandshake();
    return new RawTlsClient(socket);
  }

  public RawTlsClient write(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return this;
  }

  /**
   * Reads until the listener closes the connection, for at most {@code timeout}; returns what it said.
   * Fails if the connection is still open then.
   */
  public String readUntilClosed(Duration timeout) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + timeout.toNanos();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    while (true) {
      int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the listener kept the connection open for " + timeout + "; it said: "
            + seen.toString(StandardCharsets.UTF_8));
      }
      socket.setSoTimeout(Math.min(left, 1000));
      try {
        int n = in.read(buffer);
        if (n < 0) {
          return seen.toString(StandardCharsets.UTF_8);
        }
        seen.write(buffer, 0, n);
      } catch (SocketTimeoutException stillOpen) {
        // read on until the deadline
      } catch (IOException reset) {
        // a reset or a TLS alert: closed as well
        return seen.toString(StandardCharsets.UTF_8);
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // gone already
    }
  }

  private static SSLContext strangersTls() throws Exception {
    var keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    X509Certificate certificate = SelfSignedCertificates.selfSigned(keyPair, "stranger", List.of("stranger"),
        Instant.now().minusSeconds(60), Duration.ofDays(1));
    InstanceIdentity stranger = new InstanceIdentity(keyPair, certificate);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("stranger", stranger.keyPair().getPrivate(), new char[0], new Certificate[] {certificate});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(keys.getKeyManagers(), new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return tls;
  }
}
