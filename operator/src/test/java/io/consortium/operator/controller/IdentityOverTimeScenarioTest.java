package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.condition;
import static io.consortium.operator.testing.Pairings.invite;
import static io.consortium.operator.testing.Pairings.pairing;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.identity.IdentityStore;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.InvitationException;
import io.consortium.operator.identity.Invitations;
import io.consortium.operator.identity.KeyRollovers;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.KeyRollover;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Day two of a pairing: Org1's certificate is renewed and its key rolled while its pairings with
 * Org2 and Org3 carry on. Three organizations, each with its own cluster and operator, real TLS.
 */
class IdentityOverTimeScenarioTest {

  private static final Duration LONG = Duration.ofDays(365);
  private static final Duration WEEK = Duration.ofDays(7);

  @TempDir Path workdir;

  @Test
  void org1s_certificate_is_renewed_over_the_same_key_and_the_links_stay_connected_on_both_sides() {
    // 100 s certificates renewed 30 s before they expire: Org1 renews about 10 s after it starts.
    try (Org org1 = Org.cluster("org1", workdir).withIdentityLifetimes(Duration.ofSeconds(100),
            Duration.ofSeconds(30), WEEK).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator();
        Org org3 = Org.cluster("org3", workdir).startOperator()) {
      pairAll(org1, org2, org3);
      String org1Id = org1.operator().identity().instanceId();
      Instant firstNotAfter = org1.operator().identity().certificateNotAfter();
      PeerPairing before = pairing(org2, "org1");
      String connectedSince = before.getStatus().connectedSince;
      String invitationId = before.getStatus().invitation.id;

      Org.await("org2 and org3 to see org1's renewed certificate", Pairings.WAIT,
          () -> peerNotAfter(org2, "org1").isAfter(firstNotAfter) && peerNotAfter(org3, "org1").isAfter(firstNotAfter));

      for (Org peer : List.of(org2, org3)) {
        PeerPairing after = pairing(peer, "org1");
        assertThat(after.getStatus().phase).as(peer.name() + " stays connected").isEqualTo(PairingPhase.Connected);
        assertThat(after.getStatus().peer.instanceId).as("the pin is the key, unchanged").isEqualTo(org1Id);
        assertThat(after.getStatus().peer.certificateRenewsAt).as("org1 told when it renews next").isNotNull();
        assertThat(after.getStatus().invitation.redemptions).as("no new invitation").isEqualTo(1);
      }
      assertThat(pairing(org2, "org1").getStatus().connectedSince).as("the link was not made again")
          .isEqualTo(connectedSince);
      assertThat(pairing(org2, "org1").getStatus().invitation.id).isEqualTo(invitationId);
      assertThat(pairing(org1, "org2").getStatus().phase).isEqualTo(PairingPhase.Connected);
      assertThat(pairing(org1, "org3").getStatus().phase).isEqualTo(PairingPhase.Connected);

      InstanceIdentity renewed = org1.operator().identity();
      assertThat(renewed.instanceId()).isEqualTo(org1Id);
      assertThat(RawPeer.identityOf(org1).certificateNotAfter()).as("kept in the identity Secret")
          .isAfter(firstNotAfter);
      Org.await("org1's pairings to show its renewed certificate", Pairings.WAIT, () -> {
        var local = pairing(org1, "org2").getStatus().localCertificate;
        return local != null && Instant.parse(local.notAfter).isAfter(firstNotAfter)
            && Instant.parse(local.renewsAt).isBefore(Instant.parse(local.notAfter));
      });
      assertThat(metric(org1, "consortium_instance_certificate_expiry_seconds"))
          .isGreaterThan(firstNotAfter.getEpochSecond());
      assertThat(metric(org1, "consortium_instance_certificate_renewal_seconds")).isPositive();
      assertThat(metric(org2, "consortium_peer_certificate_expiry_seconds\\{pairing=\"org1\",?\\}"))
          .isGreaterThan(firstNotAfter.getEpochSecond());
    }
  }

  @Test
  void org1_rolls_its_key_org2_follows_at_once_and_org3_when_it_comes_back_within_the_grace_period() {
    try (Org org1 = Org.cluster("org1", workdir).withIdentityLifetimes(LONG, Duration.ofDays(30),
            Duration.ofMinutes(10)).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator();
        Org org3 = Org.cluster("org3", workdir).startOperator()) {
      pairAll(org1, org2, org3);
      String oldId = org1.operator().identity().instanceId();
      org3.stopOperator();

      String newId = rollKey(org1);

      Org.await("org2 to pin org1's new key", Pairings.WAIT, () -> newId.equals(pinOf(org2, "org1")));
      assertThat(pairing(org2, "org1").getStatus().peer.previousInstanceId).isEqualTo(oldId);
      Org.await("org1 to hear org2's acknowledgement", Pairings.WAIT,
          () -> pairing(org1, "org2").getStatus().keyRollover != null
              && pairing(org1, "org2").getStatus().keyRollover.acknowledgedAt != null);
      assertThat(org1.operator().identity().instanceId()).as("org3 has not followed: the old key stays")
          .isEqualTo(oldId);
      assertThat(pairing(org2, "org1").getStatus().phase).isEqualTo(PairingPhase.Connected);

      org3.startOperator();

      Org.await("org3 to pin org1's new key on reconnecting", Pairings.WAIT, () -> newId.equals(pinOf(org3, "org1")));
      Org.await("org1 to retire its old key once every peer follows", Pairings.WAIT,
          () -> org1.operator().identity().instanceId().equals(newId));
      for (Org peer : List.of(org2, org3)) {
        Org.await(peer.name() + " to link with org1's new key", Pairings.WAIT, () -> {
          PeerPairing p = pairing(peer, "org1");
          return p.getStatus().phase == PairingPhase.Connected && p.getStatus().peer.previousInstanceId == null;
        });
        assertThat(pairing(peer, "org1").getStatus().invitation.redemptions).as("no new invitation").isEqualTo(1);
      }
      awaitPhase(org1, "org2", PairingPhase.Connected);
      awaitPhase(org1, "org3", PairingPhase.Connected);
      assertThat(org1.client().configMaps().withName(IdentityStore.INSTANCE_CONFIGMAP).get().getData())
          .containsEntry("instanceId", newId).doesNotContainKey("keyRolloverTo");
      assertThat(org1.client().secrets().withName("consortium-identity").get().getData())
          .doesNotContainKey(IdentityStore.NEXT_PRIVATE_KEY);
      Org.await("org1's pairings to show its new instance ID", Pairings.WAIT,
          () -> newId.equals(pairing(org1, "org2").getStatus().localInstanceId)
              && pairing(org1, "org2").getStatus().keyRollover == null);
    }
  }

  @Test
  void during_a_rollover_longer_than_the_new_certificate_lasts_its_certificate_is_renewed_and_org3_still_follows() {
    // 100 s certificates renewed 30 s before expiry, and a 2 min grace period: the next key's certificate
    // must be renewed while org1 waits for org3.
    try (Org org1 = Org.cluster("org1", workdir).withIdentityLifetimes(Duration.ofSeconds(100),
            Duration.ofSeconds(30), Duration.ofMinutes(2)).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator();
        Org org3 = Org.cluster("org3", workdir).startOperator()) {
      pairAll(org1, org2, org3);
      org3.stopOperator();

      String newId = rollKey(org1);
      Instant firstNotAfter = org1.operator().localIdentity().rollover().orElseThrow().next().certificateNotAfter();

      Org.await("org1 to renew the next key's certificate during the rollover", Pairings.WAIT,
          () -> org1.operator().localIdentity().rollover().orElseThrow().next().certificateNotAfter()
              .isAfter(firstNotAfter));
      assertThat(org1.operator().localIdentity().rollover().orElseThrow().next().instanceId()).isEqualTo(newId);
      assertThat(org1.operator().identity().instanceId()).as("org3 has not followed yet").isNotEqualTo(newId);

      org3.startOperator();

      Org.await("org3 to follow with the renewed certificate", Pairings.WAIT, () -> newId.equals(pinOf(org3, "org1")));
      Org.await("org1 to retire its old key", Pairings.WAIT, () -> org1.operator().identity().instanceId().equals(newId));
      Org.await("org3 to link with the new key", Pairings.WAIT, () -> {
        PeerPairing p = pairing(org3, "org1");
        return p.getStatus().phase == PairingPhase.Connected && p.getStatus().peer.previousInstanceId == null;
      });
    }
  }

  @Test
  void org3_offline_for_the_whole_grace_period_shows_pin_rolled_while_offline_and_what_to_do() {
    try (Org org1 = Org.cluster("org1", workdir).withIdentityLifetimes(LONG, Duration.ofDays(30),
            Duration.ofSeconds(8)).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator();
        Org org3 = Org.cluster("org3", workdir).startOperator()) {
      pairAll(org1, org2, org3);
      String unredeemed = invite(org1, "org4");
      org3.stopOperator();

      String newId = rollKey(org1);
      Org.await("org1 to retire its old key when the grace period is over", Pairings.WAIT,
          () -> org1.operator().identity().instanceId().equals(newId));
      Org.await("org1 to issue its unredeemed invitation again with the new key", Pairings.WAIT, () -> {
        PeerPairing p = pairing(org1, "org4");
        return p.getStatus().invitation != null && !p.getStatus().invitation.id.equals(issuedInvitationId(unredeemed));
      });
      assertThat(issuer(Pairings.invitation(org1, pairing(org1, "org4").getStatus().invitation.secretName)))
          .isEqualTo(newId);

      Org.await("org1 to show that org3 missed the rollover", Pairings.WAIT,
          () -> condition(org1, "org3", "PeerFollowsKey").filter(c -> "PeerMissedKeyRollover".equals(c.reason)).isPresent());
      assertThat(condition(org1, "org2", "PeerFollowsKey")).as("org2 followed in time").isEmpty();

      org3.startOperator();

      awaitPhase(org3, "org1", PairingPhase.Failed);
      var connected = condition(org3, "org1", "Connected").orElseThrow();
      assertThat(connected.reason).isEqualTo("PinRolledWhileOffline");
      assertThat(connected.message).contains(newId).contains("new invitation");
      Org.await("org2, which followed, to link with the new key", Pairings.WAIT, () -> {
        PeerPairing p = pairing(org2, "org1");
        return newId.equals(p.getStatus().peer.instanceId) && p.getStatus().phase == PairingPhase.Connected
            && p.getStatus().peer.previousInstanceId == null;
      });
    }
  }

  @Test
  void a_forged_rollover_is_refused_as_invalid_rollover_and_the_link_stays_on_the_old_pin() throws Exception {
    try (Org org1 = Org.cluster("org1", workdir).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator()) {
      accept(org2, "org1", invite(org1, "org2"));
      awaitPhase(org1, "org2", PairingPhase.Connected);
      // A peer under the test's control with org2's key: it sends exactly the rollovers the test says.
      org2.stopOperator();
      awaitPhase(org1, "org2", PairingPhase.Disconnected);
      try (RawPeer org2Raw = new RawPeer(RawPeer.identityOf(org2)).dial(org1)) {
        String org2Id = org2Raw.identity().instanceId();
        org2Raw.send(new Hello("org2", org2Id, org2Raw.identity().certificateThumbprint(), org2Raw.epoch(),
            List.of(EnvelopeCodec.VERSION)));
        awaitPhase(org1, "org2", PairingPhase.Connected);
        InstanceIdentity mallory = newIdentity("mallory");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        // Signed only by the new key: the envelope is not the pinned key's.
        org2Raw.sendSignedBy(mallory, new KeyRollover(org2Id, mallory.instanceId(),
            Pem.certificate(mallory.certificate()), now, now.plus(WEEK), KeyRollovers.newKeyProof(mallory, org2Id, now)));

        awaitRefusal(org1, "not signed by the pinned key");

        // Signed by the pinned key, but the new key never signed: its proof is by yet another key.
        InstanceIdentity eve = newIdentity("eve");
        org2Raw.send(new KeyRollover(org2Id, mallory.instanceId(), Pem.certificate(mallory.certificate()), now,
            now.plus(WEEK), KeyRollovers.newKeyProof(eve, org2Id, now)));

        awaitRefusal(org1, "proof does not verify");
        PeerPairing atOrg1 = pairing(org1, "org2");
        assertThat(atOrg1.getStatus().peer.instanceId).as("the pin stays").isEqualTo(org2Id);
        assertThat(atOrg1.getStatus().peer.previousInstanceId).isNull();
        assertThat(atOrg1.getStatus().phase).as("the link stays").isEqualTo(PairingPhase.Connected);
        assertThat(org2Raw.closed).isEmpty();
      }
    }
  }

  @Test
  void org2_an_invitee_rolls_its_key_org1_follows_and_org2_dials_again_with_the_new_one() {
    try (Org org1 = Org.cluster("org1", workdir).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator()) {
      accept(org2, "org1", invite(org1, "org2"));
      awaitPhase(org1, "org2", PairingPhase.Connected);
      String oldId = org2.operator().identity().instanceId();

      String newId = rollKey(org2);

      Org.await("org2 to retire its old key once org1 follows", Pairings.WAIT,
          () -> org2.operator().identity().instanceId().equals(newId));
      Org.await("org1 to take org2's link made with the new key", Pairings.WAIT, () -> {
        PeerPairing p = pairing(org1, "org2");
        return newId.equals(p.getStatus().peer.instanceId) && p.getStatus().peer.previousInstanceId == null
            && p.getStatus().phase == PairingPhase.Connected;
      });
      assertThat(newId).isNotEqualTo(oldId);
      awaitPhase(org2, "org1", PairingPhase.Connected);
      assertThat(pairing(org1, "org2").getStatus().invitation.redemptions).as("no new invitation").isEqualTo(1);
    }
  }

  @Test
  void a_standby_replica_that_takes_over_uses_the_key_its_leader_rolled_to() {
    try (Org org1 = Org.cluster("org1", workdir).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator()) {
      accept(org2, "org1", invite(org1, "org2"));
      awaitPhase(org1, "org2", PairingPhase.Connected);
      try (var standby = org1.startStandby()) {
        String oldId = org1.operator().identity().instanceId();

        String newId = rollKey(org1);
        Org.await("org1's leader to retire the old key once org2 follows", Pairings.WAIT,
            () -> org1.operator().identity().instanceId().equals(newId));
        assertThat(standby.identity().instanceId()).as("a standby does not act on the identity").isEqualTo(oldId);

        org1.stopOperator();

        Org.await("the standby, now leading, to take the rolled key from the identity Secret", Pairings.WAIT,
            () -> standby.identity().instanceId().equals(newId));
        assertThat(standby.localIdentity().rollover()).isEmpty();
      }
    }
  }

  // ---- what the people and the scenario do -----------------------------------------------------

  private static void pairAll(Org org1, Org org2, Org org3) {
    accept(org2, "org1", invite(org1, "org2"));
    accept(org3, "org1", invite(org1, "org3"));
    awaitPhase(org2, "org1", PairingPhase.Connected);
    awaitPhase(org3, "org1", PairingPhase.Connected);
    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org1, "org3", PairingPhase.Connected);
  }

  /**
   * What a person does: {@code kubectl annotate secret consortium-identity consortium.io/roll-key=now}.
   * Returns the key {@code org} rolls to, whether it is still rolling or already retired the old one.
   */
  private static String rollKey(Org org) {
    String oldId = org.operator().identity().instanceId();
    org.client().secrets().withName("consortium-identity").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"" + IdentityStore.ROLL_KEY_ANNOTATION + "\":\"now\"}}}");
    java.util.concurrent.atomic.AtomicReference<String> next = new java.util.concurrent.atomic.AtomicReference<>();
    Org.await(org.name() + " to start rolling its key", Pairings.WAIT, () -> {
      var local = org.operator().localIdentity();
      local.rollover().ifPresent(r -> next.set(r.next().instanceId()));
      if (next.get() == null && !local.instanceId().equals(oldId)) {
        next.set(local.instanceId());
      }
      return next.get() != null;
    });
    return next.get();
  }

  private static void awaitRefusal(Org org, String messagePart) {
    Org.await(org.name() + " to refuse the rollover (" + messagePart + ")", Pairings.WAIT,
        () -> condition(org, "org2", "FramesAccepted")
            .filter(c -> "InvalidRollover".equals(c.reason) && c.message.contains(messagePart)).isPresent());
  }

  private static String issuedInvitationId(String jws) {
    try {
      return Invitations.verify(jws, java.time.Clock.systemUTC()).id();
    } catch (InvitationException e) {
      throw new AssertionError(e);
    }
  }

  private static String issuer(String jws) {
    try {
      return Invitations.verify(jws, java.time.Clock.systemUTC()).issuer();
    } catch (InvitationException e) {
      throw new AssertionError(e);
    }
  }

  private static String pinOf(Org org, String pairing) {
    PeerPairing p = pairing(org, pairing);
    return p == null || p.getStatus() == null || p.getStatus().peer == null ? null : p.getStatus().peer.instanceId;
  }

  private static Instant peerNotAfter(Org org, String pairing) {
    String notAfter = pairing(org, pairing).getStatus().peer.certificateNotAfter;
    return notAfter == null ? Instant.EPOCH : Instant.parse(notAfter);
  }

  private static InstanceIdentity newIdentity(String name) {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    return new InstanceIdentity(keyPair, SelfSignedCertificates.selfSigned(keyPair, name, List.of(),
        Instant.now().minusSeconds(60), Duration.ofDays(30)));
  }

  private static double metric(Org org, String namePattern) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + org.operator().healthPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = Pattern.compile("(?m)^" + namePattern + "(\\{[^}]*\\})? ([0-9.Ee+-]+)$").matcher(response.body());
      return m.find() ? Double.parseDouble(m.group(m.groupCount())) : 0;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
