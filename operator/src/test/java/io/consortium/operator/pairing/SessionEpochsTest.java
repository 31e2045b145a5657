package io.consortium.operator.pairing;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.pairing.SessionEpochs.Verdict;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session epochs go only up for an instance, across restarts, leader changes and a clock that goes
 * back; a peer's epoch that went back re-synchronises instead of locking the peer out.
 */
class SessionEpochsTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private static EmbeddedApiServer cluster;
  private static KubernetesClient client;
  /** Each test in a namespace of its own, on one API server. */
  private static int tests;
  private final String namespace = "org" + (++tests);

  @BeforeAll
  static void start() {
    cluster = EmbeddedApiServer.start(0);
    client = cluster.newClient("default");
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  private SessionEpochs epochs(Instant clock) {
    return new SessionEpochs(client, namespace, Clock.fixed(clock, ZoneOffset.UTC));
  }

  @Test
  void a_restarted_instance_whose_clock_went_back_a_day_still_opens_sessions_with_newer_epochs() {
    SessionEpochs before = epochs(NOW);
    long last = 0;
    for (int i = 0; i < 5; i++) {
      long epoch = before.next();
      assertThat(epoch).isGreaterThan(last);
      last = epoch;
    }

    SessionEpochs restarted = epochs(NOW.minusSeconds(86_400));

    assertThat(restarted.next()).isGreaterThan(last);
  }

  @Test
  void the_reservation_is_persisted_before_an_epoch_of_it_is_handed_out() {
    long epoch = epochs(NOW).next();

    ConfigMap stored = client.configMaps().inNamespace(namespace).withName(SessionEpochs.CONFIGMAP).get();
    assertThat(Long.parseLong(stored.getData().get(SessionEpochs.KEY))).isGreaterThan(epoch);
  }

  @Test
  void an_instance_upgraded_from_clock_epochs_starts_above_what_its_peers_saw_from_it() {
    // Before this version the epoch was the clock in milliseconds, and peers kept it as status.peerEpoch.
    long seenByPeers = NOW.minusSeconds(60).toEpochMilli();

    assertThat(epochs(NOW).next()).isGreaterThan(seenByPeers);
  }

  @Test
  void two_replicas_reserving_in_turn_never_hand_out_the_same_epoch() {
    SessionEpochs leader = epochs(NOW);
    SessionEpochs standby = epochs(NOW);
    Set<Long> handedOut = new HashSet<>();
    List<Long> inOrder = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (long i = 0; i < SessionEpochs.BLOCK + 1; i++) {
        long e = leader.next();
        assertThat(handedOut.add(e)).isTrue();
        inOrder.add(e);
      }
      // The standby takes over: it reserves afresh, above all the leader reserved.
      standby.forgetReservation();
      long takeover = standby.next();
      assertThat(handedOut.add(takeover)).isTrue();
      assertThat(takeover).isGreaterThan(inOrder.get(inOrder.size() - 1));
      inOrder.add(takeover);
      SessionEpochs swap = leader;
      leader = standby;
      standby = swap;
      standby.forgetReservation();
    }
    assertThat(inOrder).isSorted();
  }

  @Test
  void a_stored_value_that_is_not_a_number_is_replaced_from_the_clock() {
    client.configMaps().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName(SessionEpochs.CONFIGMAP).endMetadata()
        .addToData(SessionEpochs.KEY, "banana").build()).create();

    assertThat(epochs(NOW).next()).isEqualTo(NOW.toEpochMilli());
  }

  @Test
  void the_rule_for_a_peers_epoch() {
    assertThat(SessionEpochs.judge(null, 5, null)).as("first session").isEqualTo(Verdict.NEWER);
    assertThat(SessionEpochs.judge(5L, 6, null)).isEqualTo(Verdict.NEWER);
    // A day in the future was stored (a wrong clock, or whoever held the key); the honest peer comes back.
    long dayAhead = NOW.plusSeconds(86_400).toEpochMilli();
    assertThat(SessionEpochs.judge(dayAhead, NOW.toEpochMilli(), null)).isEqualTo(Verdict.RESYNCHRONISED);
    assertThat(SessionEpochs.judge(5L, 5, null)).as("a counter lost and found at the same value")
        .isEqualTo(Verdict.RESYNCHRONISED);
    // A newer session of the peer is open: an older HELLO comes from a stale dialler.
    assertThat(SessionEpochs.judge(9L, 7, 9L)).isEqualTo(Verdict.STALE);
    assertThat(SessionEpochs.judge(9L, 9, 9L)).isEqualTo(Verdict.STALE);
    assertThat(SessionEpochs.judge(9L, 10, 9L)).isEqualTo(Verdict.NEWER);
  }
}
