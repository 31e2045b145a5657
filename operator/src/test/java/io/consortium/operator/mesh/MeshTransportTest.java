package io.consortium.operator.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.SelfSignedCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The peer link's transport with real TLS 1.3 over loopback: who gets through and who does not. */
class MeshTransportTest {

  private static final LinkTiming FAST = new LinkTiming(Duration.ofMillis(200), 3, Duration.ofSeconds(5));

  private final InstanceIdentity org1 = identity("org1");
  private final InstanceIdentity org2 = identity("org2");
  private final InstanceIdentity mallory = identity("mallory");
  private final Recorder org1Events = new Recorder();
  private final Recorder org2Events = new Recorder();
  private final MeshTransport org1Mesh = new MeshTransport(org1, 16 * 1024, FAST);
  private final MeshTransport org2Mesh = new MeshTransport(org2, 16 * 1024, FAST);
  private final MeshTransport malloryMesh = new MeshTransport(mallory, 16 * 1024, FAST);

  @AfterEach
  void close() {
    org1Mesh.close();
    org2Mesh.close();
    malloryMesh.close();
  }

  static InstanceIdentity identity(String name) {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    X509Certificate cert = SelfSignedCertificates.selfSigned(keyPair, name, List.of("localhost"),
        Instant.now().minusSeconds(60), Duration.ofDays(30));
    return new InstanceIdentity(keyPair, cert);
  }

  private URI org1Url() {
    int port = org1Mesh.listen("127.0.0.1", 0, org1Events);
    return URI.create("wss://127.0.0.1:" + port);
  }

  @Test
  void org2_dials_org1_with_org1s_pin_and_both_see_the_others_proven_key() throws Exception {
    LinkConnection fromOrg2 = org2Mesh.dial(org1Url(), org1.instanceId(), org2Events).get(10, TimeUnit.SECONDS);
    LinkConnection atOrg1 = org1Events.opened.poll(10, TimeUnit.SECONDS);

    assertThat(fromOrg2.peerInstanceId()).isEqualTo(org1.instanceId());
    assertThat(fromOrg2.dialled()).isTrue();
    assertThat(atOrg1).isNotNull();
    assertThat(atOrg1.peerInstanceId()).isEqualTo(org2.instanceId());
    assertThat(atOrg1.dialled()).isFalse();

    fromOrg2.sendText("hello org1").get(5, TimeUnit.SECONDS);
    assertThat(org1Events.texts.poll(5, TimeUnit.SECONDS)).isEqualTo("hello org1");
    atOrg1.sendBinary(new byte[] {1, 2, 3}).get(5, TimeUnit.SECONDS);
    assertThat(org2Events.binaries.poll(5, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
  }

  @Test
  void a_link_kept_alive_by_pings_stays_open_across_many_ping_intervals() throws Exception {
    LinkConnection fromOrg2 = org2Mesh.dial(org1Url(), org1.instanceId(), org2Events).get(10, TimeUnit.SECONDS);

    Thread.sleep(FAST.pingInterval().toMillis() * (FAST.missedPongLimit() + 3));

    assertThat(fromOrg2.isOpen()).isTrue();
    assertThat(org2Events.closed).isEmpty();
  }

  @Test
  void a_peer_that_stops_answering_pings_is_offline_after_three_missed_pongs() throws Exception {
    URI direct = org1Url();
    try (io.consortium.operator.testing.TcpProxy network = new io.consortium.operator.testing.TcpProxy(direct.getPort())) {
      LinkConnection fromOrg2 = org2Mesh.dial(URI.create("wss://127.0.0.1:" + network.port()), org1.instanceId(),
          org2Events).get(10, TimeUnit.SECONDS);
      assertThat(fromOrg2.isOpen()).isTrue();

      network.freeze();

      // Both ends ping; whichever misses three pongs first closes the link as PeerOffline, and the other
      // may then just see the connection go.
      long wait = FAST.pingInterval().toMillis() * (FAST.missedPongLimit() + 5);
      String atOrg2 = org2Events.closed.poll(wait, TimeUnit.MILLISECONDS);
      String atOrg1 = org1Events.closed.poll(wait, TimeUnit.MILLISECONDS);
      assertThat(java.util.stream.Stream.of(atOrg1, atOrg2))
          .anySatisfy(reason -> assertThat(reason).startsWith("PeerOffline").contains("3 pings"));
    }
  }

  @Test
  void a_listener_with_another_key_than_the_pinned_one_is_refused_as_pin_mismatch() {
    // Mallory sits at the address Org2 was told, with her own certificate (a man in the middle).
    int port = malloryMesh.listen("127.0.0.1", 0, new Recorder());

    assertThatThrownBy(() -> org2Mesh.dial(URI.create("wss://127.0.0.1:" + port), org1.instanceId(), org2Events).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOfSatisfying(LinkFailure.class, f -> assertThat(f.reason()).isEqualTo("PinMismatch"))
        .hasMessageContaining(mallory.instanceId());
    assertThat(org2Events.opened).isEmpty();
  }

  @Test
  void a_listener_whose_key_was_rolled_from_the_pinned_one_is_refused_as_pin_rolled_while_offline() {
    // Org1 rolled its key and retired the old one; Org2 still pins the old key.
    InstanceIdentity rolled = new io.consortium.operator.identity.CertificateRenewal(Duration.ofDays(30),
        Duration.ofDays(1)).nextKey(org1, "org1", List.of("localhost"), Instant.now());
    MeshTransport rolledMesh = new MeshTransport(rolled, 16 * 1024, FAST);
    try {
      int port = rolledMesh.listen("127.0.0.1", 0, new Recorder());

      assertThatThrownBy(() -> org2Mesh.dial(URI.create("wss://127.0.0.1:" + port), org1.instanceId(), org2Events)
          .join())
          .cause().isInstanceOfSatisfying(LinkFailure.class,
              f -> assertThat(f.reason()).isEqualTo("PinRolledWhileOffline"))
          .hasMessageContaining(rolled.instanceId()).hasMessageContaining("new invitation");
      // A peer that also accepts the new key (it followed the rollover) links.
      assertThat(org2Mesh.dial(URI.create("wss://127.0.0.1:" + port),
          java.util.Set.of(org1.instanceId(), rolled.instanceId()), org2Events).join().peerInstanceId())
          .isEqualTo(rolled.instanceId());
    } finally {
      rolledMesh.close();
    }
  }

  @Test
  void the_listener_presents_a_renewed_certificate_to_new_links_while_a_live_link_keeps_going() throws Exception {
    java.util.concurrent.atomic.AtomicReference<InstanceIdentity> current = new java.util.concurrent.atomic.AtomicReference<>(org1);
    MeshTransport renewing = new MeshTransport(current::get, 16 * 1024, FAST);
    try {
      int port = renewing.listen("127.0.0.1", 0, org1Events);
      URI url = URI.create("wss://127.0.0.1:" + port);
      LinkConnection first = org2Mesh.dial(url, org1.instanceId(), org2Events).get(10, TimeUnit.SECONDS);
      InstanceIdentity renewed = new io.consortium.operator.identity.CertificateRenewal(Duration.ofDays(30),
          Duration.ofDays(1)).renew(org1, "org1", List.of("localhost"), Instant.now());

      current.set(renewed);
      LinkConnection second = org2Mesh.dial(url, org1.instanceId(), org2Events).get(10, TimeUnit.SECONDS);

      assertThat(InstanceIdentity.thumbprintOf(second.peerCertificate())).isEqualTo(renewed.certificateThumbprint());
      assertThat(InstanceIdentity.thumbprintOf(first.peerCertificate())).isEqualTo(org1.certificateThumbprint());
      assertThat(first.isOpen()).isTrue();
      first.sendText("still here").get(5, TimeUnit.SECONDS);
    } finally {
      renewing.close();
    }
  }

  @Test
  void a_client_without_a_certificate_never_gets_a_link() throws Exception {
    URI url = org1Url();
    SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
    anonymous.init(null, new TrustManager[] {new TrustEverything()}, null);
    try (SSLSocket socket = (SSLSocket) anonymous.getSocketFactory().createSocket("127.0.0.1", url.getPort())) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      // TLS 1.3 reports the refused client certificate on the first read, not in the handshake.
      socket.getOutputStream().write("GET /link HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      socket.getOutputStream().flush();
      int read = socket.getInputStream().read();
      assertThat(read).isEqualTo(-1);
    } catch (javax.net.ssl.SSLException | java.net.SocketException expected) {
      // refused: what we want
    }
    assertThat(org1Events.opened.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void an_address_where_nobody_listens_is_peer_unreachable_naming_the_url() throws Exception {
    int freePort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      freePort = probe.getLocalPort();
    }
    URI url = URI.create("wss://127.0.0.1:" + freePort);

    assertThatThrownBy(() -> org2Mesh.dial(url, org1.instanceId(), org2Events).join())
        .cause().isInstanceOfSatisfying(LinkFailure.class, f -> assertThat(f.reason()).isEqualTo("PeerUnreachable"))
        .hasMessageContaining(url.toString());
  }

  @Test
  void a_frame_over_the_frame_limit_closes_the_link_cleanly_with_a_reason() throws Exception {
    LinkConnection fromOrg2 = org2Mesh.dial(org1Url(), org1.instanceId(), org2Events).get(10, TimeUnit.SECONDS);
    assertThat(org1Events.opened.poll(5, TimeUnit.SECONDS)).isNotNull();

    fromOrg2.sendText("x".repeat(20 * 1024));

    assertThat(org1Events.closed.poll(5, TimeUnit.SECONDS)).contains("FrameRejected");
    assertThat(org2Events.closed.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(org1Events.texts).isEmpty();
  }

  /** Records what a side of a link hears. */
  static final class Recorder implements LinkHandler {
    final BlockingQueue<LinkConnection> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<String> closed = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(LinkConnection link) {
      opened.add(link);
    }

    @Override
    public void onText(LinkConnection link, String text) {
      texts.add(text);
    }

    @Override
    public void onBinary(LinkConnection link, byte[] data) {
      binaries.add(data);
    }

    @Override
    public void onClose(LinkConnection link, String reason) {
      closed.add(reason);
    }
  }

  /** The anonymous client's trust: it trusts the server, it just has no certificate of its own. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
