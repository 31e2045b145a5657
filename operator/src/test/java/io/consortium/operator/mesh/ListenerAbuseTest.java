package io.consortium.operator.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.RawTlsClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Strangers at the peer link's listener, below any session: HTTP that is not the link, slow headers,
 * silence after the upgrade, floods of connections. Each is answered or closed and counted by reason,
 * and the honest peer still gets its link. Waits are for the listener to act, never for time to pass.
 */
class ListenerAbuseTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final LinkTiming TIMING = new LinkTiming(Duration.ofSeconds(10), 3, Duration.ofSeconds(20));

  private final InstanceIdentity org1 = MeshTransportTest.identity("org1");
  private final InstanceIdentity org2 = MeshTransportTest.identity("org2");
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final List<AutoCloseable> open = new ArrayList<>();
  private MeshTransport listener;
  private int port;

  private void listen(ListenerLimits limits) {
    listener = new MeshTransport(() -> org1, 16 * 1024, TIMING, limits, metrics);
    open.add(listener);
    port = listener.listen("127.0.0.1", 0, new MeshTransportTest.Recorder());
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private double refused(String reason) {
    Counter counter = metrics.find(ListenerGuard.METRIC).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private RawTlsClient keep(RawTlsClient client) {
    open.add(client);
    return client;
  }

  @Test
  void get_slash_on_the_mesh_port_is_answered_404_and_counted() throws Exception {
    listen(ListenerLimits.DEFAULT);

    String answer = keep(RawTlsClient.tls("127.0.0.1", port)).write("GET / HTTP/1.1\r\nHost: org1\r\n\r\n")
        .readUntilClosed(WAIT);

    assertThat(answer).startsWith("HTTP/1.1 404 Not Found").contains("WebSocket over mutual TLS at /link");
    assertThat(refused(ListenerGuard.NOT_FOUND)).isEqualTo(1);
  }

  @Test
  void plain_http_to_the_links_path_is_told_to_upgrade() throws Exception {
    listen(ListenerLimits.DEFAULT);

    String answer = keep(RawTlsClient.tls("127.0.0.1", port)).write("GET /link HTTP/1.1\r\nHost: org1\r\n\r\n")
        .readUntilClosed(WAIT);

    assertThat(answer).startsWith("HTTP/1.1 426 Upgrade Required").containsIgnoringCase("upgrade: websocket");
    assertThat(refused(ListenerGuard.NOT_WEBSOCKET)).isEqualTo(1);
  }

  @Test
  void slow_senders_of_headers_are_closed_by_the_header_timeout() throws Exception {
    listen(new ListenerLimits(Duration.ofSeconds(2), Duration.ofSeconds(30), 64, 16));
    List<RawTlsClient> slow = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      try {
        slow.add(keep(RawTlsClient.tls("127.0.0.2", port)).write("GET /link HTTP/1.1\r\nHost: org1\r\n"));
      } catch (java.io.IOException closedBeforeTheHandshakeEnded) {
        // on a slow machine the timeout may come first: closed all the same
      }
    }
    // One that never even starts TLS.
    slow.add(keep(RawTlsClient.tcp("127.0.0.2", port)));

    for (RawTlsClient client : slow) {
      client.readUntilClosed(WAIT);
    }
    Org.await("the header timeouts to be counted", WAIT, () -> refused(ListenerGuard.HEADER_TIMEOUT) >= slow.size());
  }

  @Test
  void a_dialler_that_says_nothing_after_the_upgrade_is_closed_by_the_hello_timeout() throws Exception {
    listen(new ListenerLimits(Duration.ofSeconds(20), Duration.ofSeconds(1), 64, 16));
    MeshTransport silent = new MeshTransport(org2, 16 * 1024, TIMING);
    open.add(silent);
    MeshTransportTest.Recorder silentSide = new MeshTransportTest.Recorder();

    silent.dial(URI.create("wss://127.0.0.1:" + port), org1.instanceId(), silentSide)
        .exceptionally(closedBeforeItOpened -> null);

    Org.await("the hello timeout to be counted", WAIT, () -> refused(ListenerGuard.HELLO_TIMEOUT) == 1);
    String reason = silentSide.closed.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (reason != null) {
      assertThat(reason).contains("HelloTimeout");
    }
  }

  @Test
  void a_flood_of_connections_is_capped_per_address_and_overall_and_the_honest_peer_still_links() throws Exception {
    listen(new ListenerLimits(Duration.ofSeconds(120), Duration.ofSeconds(120), 8, 3));
    for (int i = 0; i < 10; i++) {
      keep(RawTlsClient.tcp("127.0.0.2", port));
    }
    Org.await("7 of 127.0.0.2's 10 to be refused", WAIT, () -> refused(ListenerGuard.TOO_MANY_FROM_ADDRESS) == 7);
    for (int i = 0; i < 10; i++) {
      keep(RawTlsClient.tcp("127.0.0.3", port));
    }
    Org.await("7 of 127.0.0.3's 10 to be refused", WAIT, () -> refused(ListenerGuard.TOO_MANY_FROM_ADDRESS) == 14);
    List<RawTlsClient> fromFour = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fromFour.add(keep(RawTlsClient.tcp("127.0.0.4", port)));
    }
    // 3 + 3 + 2 = 8 wait; the rest of 127.0.0.4's are over the overall cap.
    Org.await("3 of 127.0.0.4's 5 to be refused overall", WAIT, () -> refused(ListenerGuard.TOO_MANY_PENDING) == 3);

    // The stranger at 127.0.0.4 goes; the honest peer (127.0.0.1) gets a link, with retries as its dialler would.
    fromFour.forEach(RawTlsClient::close);
    MeshTransport honest = new MeshTransport(org2, 16 * 1024, TIMING);
    open.add(honest);
    LinkConnection link = null;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (link == null && System.nanoTime() < deadline) {
      try {
        link = honest.dial(URI.create("wss://127.0.0.1:" + port), org1.instanceId(), new MeshTransportTest.Recorder())
            .get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException refusedWhileTheSlotsWereStillTaken) {
        Thread.sleep(200);
      }
    }
    assertThat(link).as("the honest peer linked").isNotNull();
    assertThat(link.isOpen()).isTrue();
    // 127.0.0.2 is still at its cap: more from it are refused, whoever else links.
    double before = refused(ListenerGuard.TOO_MANY_FROM_ADDRESS);
    keep(RawTlsClient.tcp("127.0.0.2", port)).readUntilClosed(WAIT);
    assertThat(refused(ListenerGuard.TOO_MANY_FROM_ADDRESS)).isEqualTo(before + 1);
  }
}
