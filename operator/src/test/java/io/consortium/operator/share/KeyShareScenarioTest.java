package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.AcceptMode;
import io.consortium.operator.api.v1alpha1.spec.AcceptPolicy;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Org1 shares a key with Org2 and Org3, each on its own cluster, over real links. */
class KeyShareScenarioTest {

  @TempDir Path workdir;
  Consortium consortium;
  Org org1;
  Org org2;
  Org org3;
  KeyPair adminKey;

  @BeforeEach
  void consortium() {
    consortium = Consortium.start(workdir);
    org1 = consortium.org1();
    org2 = consortium.org2();
    org3 = consortium.org3();
    adminKey = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String certificate = Pem.certificate(SelfSignedCertificates.selfSigned(adminKey, "Admin@org1.example.com",
        List.of(), Instant.now(), Duration.ofDays(30)));
    // Org1's admin TLS pair: the private key is in the Secret, and must never leave org1's cluster.
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("org1-admin").endMetadata()
        .withData(Map.of("tls.crt", b64(certificate), "tls.key", b64(Pem.privateKey(adminKey.getPrivate()))))
        .build()).create();
  }

  @AfterEach
  void stop() {
    consortium.close();
  }

  @Test
  void org1_shares_its_admin_key_org2_accepts_org3_rejects_and_org1_sees_both() {
    share(org1, "org1-admin", "org2", "org3");

    KeyShare atOrg2 = awaitIncoming(org2, "org1-admin-key");
    awaitIncoming(org3, "org1-admin-key");
    assertThat(atOrg2.getMetadata().getLabels()).containsEntry("consortium.io/direction", "incoming")
        .containsEntry("consortium.io/from", "org1");
    assertThat(atOrg2.getSpec().from.pairing).isEqualTo("org1");
    assertThat(atOrg2.getSpec().from.instanceId).isEqualTo(org1.operator().identity().instanceId());
    assertThat(atOrg2.getSpec().from.signature).isNotBlank();
    assertThat(atOrg2.getSpec().from.envelopeSha256).hasSize(64);
    assertThat(atOrg2.getSpec().material.certificate).contains("BEGIN CERTIFICATE");
    assertThat(atOrg2.getSpec().material.toString() + atOrg2.getSpec().material.publicKey).doesNotContain("PRIVATE");
    awaitRecipient(org1, "org2", SharePhase.Delivered);
    awaitRecipient(org1, "org3", SharePhase.Delivered);

    decide(org2, "org1-admin-key", "Accept");
    decide(org3, "org1-admin-key", "Reject");

    awaitRecipient(org1, "org2", SharePhase.Accepted);
    awaitRecipient(org1, "org3", SharePhase.Rejected);
    KeyShare atOrg1 = outgoing(org1);
    assertThat(atOrg1.getStatus().summary).isEqualTo("1/2 Accepted, 1/2 Rejected");
    assertThat(atOrg1.getStatus().fingerprint).isEqualTo(atOrg2.getSpec().material.fingerprint);
    Org.await("org2's ConfigMap with the accepted key", Pairings.WAIT,
        () -> org2.client().configMaps().withName("org1-admin-key-public-key").get() != null);
    ConfigMap accepted = org2.client().configMaps().withName("org1-admin-key-public-key").get();
    assertThat(accepted.getData()).containsKeys("certificate.pem", "public-key.pem", "fingerprint");
    assertThat(org3.client().configMaps().withName("org1-admin-key-public-key").get()).isNull();
  }

  @Test
  void org1_revokes_and_org2_keeps_what_it_accepted_marked_revoked() {
    share(org1, "org1-admin", "org2");
    awaitIncoming(org2, "org1-admin-key");
    decide(org2, "org1-admin-key", "Accept");
    awaitRecipient(org1, "org2", SharePhase.Accepted);

    org1.client().resources(KeyShare.class).withName("admin-key").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"revoked\":true}}");

    awaitRecipient(org1, "org2", SharePhase.Revoked);
    Org.await("org2's copy to be Revoked", Pairings.WAIT, () -> phase(org2, "org1-admin-key") == SharePhase.Revoked);
    assertThat(org2.client().configMaps().withName("org1-admin-key-public-key").get()).as("kept").isNotNull();
  }

  @Test
  void org1_applies_the_share_before_its_secret_as_gitops_may_and_org2_gets_it_once_the_secret_is_there() {
    share(org1, "org1-admin-later", "org2");
    Org.await("org1 to say the Secret is missing", Pairings.WAIT, () -> Optional.ofNullable(outgoing(org1).getStatus())
        .map(s -> s.conditions.stream().anyMatch(c -> "SourceNotFound".equals(c.reason)
            && c.message.contains("org1-admin-later"))).orElse(false));

    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("org1-admin-later").endMetadata()
        .withData(org1.client().secrets().withName("org1-admin").get().getData()).build()).create();

    // Nothing touches the share: org1 looks at a source it could not read again until it can.
    awaitRecipient(org1, "org2", SharePhase.Delivered);
    assertThat(awaitIncoming(org2, "org1-admin-key").getSpec().material.certificate).contains("BEGIN CERTIFICATE");
  }

  @Test
  void org1_renews_the_certificate_in_its_secret_and_org2_gets_it_as_a_new_revision_to_decide_again() {
    share(org1, "org1-admin", "org2");
    awaitIncoming(org2, "org1-admin-key");
    decide(org2, "org1-admin-key", "Accept");
    awaitRecipient(org1, "org2", SharePhase.Accepted);

    // The Secret is edited in place (cert-manager renews this way); the share itself is not touched.
    String renewed = Pem.certificate(SelfSignedCertificates.selfSigned(adminKey, "Admin@org1.example.com", List.of(),
        Instant.now(), Duration.ofDays(90)));
    org1.client().secrets().withName("org1-admin").edit(secret -> {
      secret.getData().put("tls.crt", b64(renewed));
      return secret;
    });

    Org.await("org2's copy to hold the renewed certificate, undecided", Pairings.WAIT, () -> {
      KeyShare copy = org2.client().resources(KeyShare.class).withName("org1-admin-key").get();
      return copy.getSpec().from.revision > 1 && renewed.equals(copy.getSpec().material.certificate)
          && copy.getStatus() != null && copy.getStatus().phase == SharePhase.Pending;
    });
    awaitRecipient(org1, "org2", SharePhase.Delivered);
  }

  @Test
  void a_share_made_while_org2_is_away_arrives_once_when_it_is_back() {
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    share(org1, "org1-admin", "org2");
    awaitRecipientReason(org1, "org2", "PeerNotConnected");

    org2.startOperator();

    awaitIncoming(org2, "org1-admin-key");
    awaitRecipient(org1, "org2", SharePhase.Delivered);
    assertThat(org2.client().resources(KeyShare.class).withLabel("consortium.io/from", "org1").list().getItems())
        .hasSize(1);
  }

  @Test
  void org2s_accept_policy_accepts_keys_from_org1_without_a_person() {
    org2.client().resources(io.consortium.operator.api.v1alpha1.PeerPairing.class).withName("org1")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"acceptPolicy\":{\"KeyShare\":\"Auto\"}}}");
    KeyShare generated = new KeyShare();
    generated.getMetadata().setName("signing");
    generated.setSpec(new KeyShareSpec());
    generated.getSpec().to = List.of("org2");
    generated.getSpec().generate = new KeyGeneration();
    generated.getSpec().generate.curve = KeyGeneration.Curve.P384;
    org1.client().resource(generated).create();

    Org.await("org1's share to be accepted", Pairings.WAIT, () -> Optional.ofNullable(
        org1.client().resources(KeyShare.class).withName("signing").get().getStatus())
        .map(s -> "Accepted".equals(s.summary)).orElse(false));
    assertThat(org1.client().secrets().withName("signing-key").get()).as("the private key stays on org1").isNotNull();
    assertThat(org2.client().resources(KeyShare.class).withName("org1-signing").get().getSpec().material.curve)
        .isEqualTo("P-384");
    assertThat(new AcceptPolicy().modeFor("KeyShare")).isEqualTo(AcceptMode.Manual);
  }

  @Test
  void a_source_that_holds_no_key_is_refused_with_a_reason_and_nothing_is_sent() {
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("db").endMetadata()
        .withData(Map.of("password", b64("hunter2"))).build()).create();
    share(org1, "db", "org2");

    Org.await("org1 to refuse the source", Pairings.WAIT, () -> Optional.ofNullable(outgoing(org1).getStatus())
        .map(s -> s.conditions.stream().anyMatch(c -> "SourceInvalid".equals(c.reason))).orElse(false));
    assertThat(org2.client().resources(KeyShare.class).list().getItems()).isEmpty();
  }

  @Test
  void a_changed_share_is_a_new_revision_that_org2_decides_again() {
    share(org1, "org1-admin", "org2");
    awaitIncoming(org2, "org1-admin-key");
    decide(org2, "org1-admin-key", "Accept");
    awaitRecipient(org1, "org2", SharePhase.Accepted);
    String newCertificate = Pem.certificate(SelfSignedCertificates.selfSigned(
        SelfSignedCertificates.newEcKeyPair("secp256r1"), "Admin2@org1.example.com", List.of(), Instant.now(),
        Duration.ofDays(30)));
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("org1-admin-2").endMetadata()
        .withData(Map.of("tls.crt", b64(newCertificate))).build()).create();

    org1.client().resources(KeyShare.class).withName("admin-key").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"source\":{\"name\":\"org1-admin-2\"}}}");

    Org.await("org2's copy to hold revision 2, waiting for a new decision", Pairings.WAIT, () -> {
      KeyShare copy = org2.client().resources(KeyShare.class).withName("org1-admin-key").get();
      return copy.getSpec().from.revision == 2 && copy.getSpec().decision == null
          && copy.getStatus() != null && copy.getStatus().phase == SharePhase.Pending;
    });
    awaitRecipient(org1, "org2", SharePhase.Delivered);
    decide(org2, "org1-admin-key", "Reject");
    awaitRecipient(org1, "org2", SharePhase.Rejected);
    assertThat(org2.client().resources(KeyShare.class).withLabel("consortium.io/from", "org1").list().getItems())
        .as("one resource per share, whatever its revisions").hasSize(1);
  }

  @Test
  void a_share_nobody_decides_expires_on_both_sides() {
    KeyShare expiring = new KeyShare();
    expiring.getMetadata().setName("admin-key");
    expiring.setSpec(new KeyShareSpec());
    expiring.getSpec().to = List.of("org2");
    expiring.getSpec().source = new SecretKeyRef("org1-admin", null);
    expiring.getSpec().expiresAt = Instant.now().plusSeconds(4).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    org1.client().resource(expiring).create();
    awaitIncoming(org2, "org1-admin-key");

    awaitRecipient(org1, "org2", SharePhase.Expired);
    Org.await("org2's copy to expire", Pairings.WAIT, () -> phase(org2, "org1-admin-key") == SharePhase.Expired);
  }

  @Test
  void org1_takes_org3_off_the_list_and_org3s_copy_is_revoked_while_org2_keeps_its_own() {
    share(org1, "org1-admin", "org2", "org3");
    awaitRecipient(org1, "org2", SharePhase.Delivered);
    awaitRecipient(org1, "org3", SharePhase.Delivered);
    decide(org2, "org1-admin-key", "Accept");
    awaitRecipient(org1, "org2", SharePhase.Accepted);

    // kubectl patch --type json: the mock server's merge patch merges lists instead of replacing them.
    org1.client().resources(KeyShare.class).withName("admin-key").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"replace\",\"path\":\"/spec/to\",\"value\":[\"org2\"]}]");

    awaitRecipient(org1, "org3", SharePhase.Revoked);
    assertThat(recipient(org1, "org3").orElseThrow().reason).isEqualTo("RemovedFromRecipients");
    Org.await("org3's copy to be revoked", Pairings.WAIT, () -> phase(org3, "org1-admin-key") == SharePhase.Revoked);
    assertThat(phase(org2, "org1-admin-key")).isEqualTo(SharePhase.Accepted);
    assertThat(recipient(org1, "org2").orElseThrow().phase).isEqualTo(SharePhase.Accepted);
    assertThat(outgoing(org1).getStatus().revision).as("a new list of recipients is not a new revision").isEqualTo(1L);
  }

  @Test
  void deleting_a_share_tells_the_linked_peer_at_once_and_an_absent_one_at_its_next_connect() {
    share(org1, "org1-admin", "org2", "org3");
    awaitRecipient(org1, "org2", SharePhase.Delivered);
    awaitRecipient(org1, "org3", SharePhase.Delivered);
    org3.stopOperator();
    awaitPhase(org1, "org3", PairingPhase.Disconnected);

    org1.client().resources(KeyShare.class).withName("admin-key").delete();

    // Nothing holds the share back: it goes at once, with no finalizer to wait on.
    Org.await("the share to go", Pairings.WAIT, () -> outgoing(org1) == null);
    Org.await("org2 to be told", Pairings.WAIT, () -> phase(org2, "org1-admin-key") == SharePhase.Revoked);
    Org.await("org1 to say org3 learns at its next connect", Pairings.WAIT, () -> org1.client().v1().events().list()
        .getItems().stream().anyMatch(e -> "RevocationAtResync".equals(e.getReason()) && e.getMessage().contains("org3")));
    assertThat(phase(org3, "org1-admin-key")).as("org3 has not heard yet").isEqualTo(SharePhase.Pending);

    org3.startOperator();
    Org.await("org3 to learn at its resync that the share is gone", Pairings.WAIT,
        () -> phase(org3, "org1-admin-key") == SharePhase.Revoked);
  }

  @Test
  void a_share_to_a_suspended_or_unknown_pairing_is_held_with_a_condition_saying_why() {
    Pairings.setState(org1, "org3", io.consortium.operator.api.v1alpha1.spec.PairingState.Suspended);
    awaitPhase(org1, "org3", PairingPhase.Suspended);

    share(org1, "org1-admin", "org2", "org3", "org9");

    awaitRecipient(org1, "org2", SharePhase.Delivered);
    Org.await("the condition to name org3 and org9", Pairings.WAIT, () -> Optional.ofNullable(outgoing(org1).getStatus())
        .flatMap(s -> s.conditions.stream().filter(c -> "RecipientsReachable".equals(c.type)).findFirst())
        .map(c -> c.status.name().equals("False") && c.message.contains("org3: pairing org3 is Suspended")
            && c.message.contains("org9: no PeerPairing named org9")).orElse(false));
    assertThat(recipient(org1, "org3").orElseThrow().reason).isEqualTo("PairingSuspended");
    assertThat(org3.client().resources(KeyShare.class).list().getItems()).as("nothing went to org3").isEmpty();
  }

  private static void share(Org org, String secret, String... to) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName("admin-key");
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of(to);
    share.getSpec().source = new SecretKeyRef(secret, null);
    share.getSpec().usage = KeyUsage.Admin;
    share.getSpec().mspId = "Org1MSP";
    org.client().resource(share).create();
  }

  private static void decide(Org org, String name, String decision) {
    org.client().resources(KeyShare.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"decision\":\"" + decision + "\"}}");
  }

  private static KeyShare outgoing(Org org) {
    return org.client().resources(KeyShare.class).withName("admin-key").get();
  }

  private static KeyShare awaitIncoming(Org org, String name) {
    Org.await(name + " on " + org.name(), Pairings.WAIT,
        () -> org.client().resources(KeyShare.class).withName(name).get() != null);
    return org.client().resources(KeyShare.class).withName(name).get();
  }

  private static SharePhase phase(Org org, String name) {
    KeyShare share = org.client().resources(KeyShare.class).withName(name).get();
    return share == null || share.getStatus() == null ? null : share.getStatus().phase;
  }

  private static Optional<RecipientStatus> recipient(Org org, String pairing) {
    KeyShare share = outgoing(org);
    return share == null || share.getStatus() == null ? Optional.empty()
        : share.getStatus().recipients.stream().filter(r -> pairing.equals(r.pairing)).findFirst();
  }

  private static void awaitRecipient(Org org, String pairing, SharePhase phase) {
    Org.await(pairing + " to be " + phase + " on " + org.name() + " (" + recipient(org, pairing).map(r -> r.phase + " "
        + r.reason + " " + r.message).orElse("none") + ")", Pairings.WAIT,
        () -> recipient(org, pairing).map(r -> r.phase == phase).orElse(false));
  }

  private static void awaitRecipientReason(Org org, String pairing, String reason) {
    Org.await(pairing + " to show " + reason, Pairings.WAIT,
        () -> recipient(org, pairing).map(r -> reason.equals(r.reason)).orElse(false));
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
