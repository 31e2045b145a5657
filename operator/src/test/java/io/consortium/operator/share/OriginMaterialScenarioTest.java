package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.ChaincodeShareSpec;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition;
import io.consortium.operator.api.v1alpha1.spec.ChaincodePackageSource;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.ConfigMapKeyRef;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.MessageType;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.pki.CertificateFacts;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.PublicKeyFacts;
import io.consortium.operator.pki.SelfSignedCertificate;
import io.consortium.operator.pki.SelfSignedCertificate.Profile;
import io.consortium.operator.share.inspection.PayloadInspection;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import io.consortium.operator.testing.Shares;
import io.consortium.operator.testing.TestArchives;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Org1 sends, seen by a peer under the test's control holding Org2's real key: only public
 * material, only valid certificates, a real CA certificate for a CA's usage; what Org1 must not send
 * stays home with a condition and an Event; and when Org2 refuses a share, Org1 shows Org2's reason.
 */
class OriginMaterialScenarioTest {

  @TempDir Path workdir;
  Org org1;
  Org org2;
  RawPeer org2Raw;

  @BeforeEach
  void pairThenTakeOverOrg2sKey() throws Exception {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    org2Raw = new RawPeer(RawPeer.identityOf(org2)).dial(org1);
    org2Raw.send(new Hello("org2", org2Raw.identity().instanceId(), org2Raw.identity().certificateThumbprint(),
        org2Raw.epoch(), List.of(EnvelopeCodec.VERSION)));
    awaitPhase(org1, "org2", PairingPhase.Connected);
  }

  @AfterEach
  void stop() {
    org2Raw.close();
    org2.close();
    org1.close();
  }

  @Test
  void a_secret_holding_only_a_private_key_shares_its_public_half_and_nothing_else() throws Exception {
    KeyPair key = SelfSignedCertificate.newEcKeyPair("secp256r1");
    secret("signing-key", Map.of("key.pem", Pem.privateKey(key.getPrivate())));
    keyShare("signing", new SecretKeyRef("signing-key", null), null, KeyUsage.Node);

    JsonNode offer = offerOf("signing");

    JsonNode material = offer.path("payload").path("material");
    assertThat(Pem.readPublicKey(material.path("publicKey").asText(), "publicKey").getEncoded())
        .isEqualTo(key.getPublic().getEncoded());
    assertThat(material.path("fingerprint").asText()).isEqualTo(PublicKeyFacts.fingerprint(key.getPublic()));
    assertThat(PayloadInspection.SHARES.inspect(offer)).as("no private key in what was sent").isEmpty();
  }

  @Test
  void a_chaincode_package_whose_tar_holds_a_private_key_is_refused_before_anything_is_sent() throws Exception {
    byte[] pkg = TestArchives.chaincodePackage("basic_1.0", Map.of(
        "connection.json", "{\"address\":\"basic:9999\"}".getBytes(StandardCharsets.UTF_8),
        "tls/client.key", Pem.privateKey(SelfSignedCertificate.newEcKeyPair("secp256r1").getPrivate())
            .getBytes(StandardCharsets.UTF_8)));
    org1.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("basic-package").endMetadata()
        .withBinaryData(Map.of("basic.tar.gz", Base64.getEncoder().encodeToString(pkg))).build()).create();
    ChaincodeShare share = new ChaincodeShare();
    share.getMetadata().setName("basic");
    share.setSpec(new ChaincodeShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().definition = new ChaincodeDefinition();
    share.getSpec().definition.name = "basic";
    share.getSpec().definition.version = "1.0";
    share.getSpec().definition.sequence = 1L;
    share.getSpec().packageSource = new ChaincodePackageSource();
    share.getSpec().packageSource.configMapRef = new ConfigMapKeyRef("basic-package", "basic.tar.gz");
    org1.client().resource(share).create();

    Condition ready = awaitNotReady(ChaincodeShare.class, "basic", PayloadInspection.PRIVATE_KEY_MATERIAL);
    assertThat(ready.message).contains("code.tar.gz").contains("tls/client.key");
    assertThat(org1.client().resources(ChaincodeShare.class).withName("basic").get().getStatus().recipients)
        .as("offered to no one").isEmpty();
    Org.await("an Event saying why", Pairings.WAIT, () -> org1.client().v1().events().list().getItems().stream()
        .anyMatch(e -> "basic".equals(e.getInvolvedObject().getName())
            && PayloadInspection.PRIVATE_KEY_MATERIAL.equals(e.getReason())));
  }

  @Test
  void a_leaf_certificate_or_an_expired_ca_shared_as_a_ca_stays_home_and_a_generated_ca_is_a_real_ca()
      throws Exception {
    KeyPair leafKey = SelfSignedCertificate.newEcKeyPair("secp256r1");
    X509Certificate leaf = SelfSignedCertificate.issue(leafKey, "Admin@org1.example.com", Instant.now(),
        Duration.ofDays(30), Profile.TLS_ENDPOINT, List.of(), Map.of());
    secret("admin-cert", Map.of("tls.crt", Pem.certificate(leaf)));
    keyShare("leaf-as-root", new SecretKeyRef("admin-cert", null), null, KeyUsage.CARoot);
    assertThat(awaitNotReady(KeyShare.class, "leaf-as-root", "NotACACertificate").message).contains("CA:FALSE");

    KeyPair caKey = SelfSignedCertificate.newEcKeyPair("secp256r1");
    X509Certificate expired = SelfSignedCertificate.issue(caKey, "ca.org1.example.com",
        Instant.now().minus(400, ChronoUnit.DAYS), Duration.ofDays(365), Profile.CA, List.of(), Map.of());
    secret("old-ca", Map.of("ca.crt", Pem.certificate(expired)));
    keyShare("old-root", new SecretKeyRef("old-ca", null), null, KeyUsage.CARoot);
    assertThat(awaitNotReady(KeyShare.class, "old-root", "CertificateExpired").message)
        .contains(expired.getNotAfter().toInstant().toString());

    keyShare("tls-ca", null, new KeyGeneration(), KeyUsage.TLSCARoot);
    JsonNode offer = offerOf("tls-ca");
    CertificateFacts sent = CertificateFacts.of(Pem.readCertificates(
        offer.path("payload").path("material").path("certificate").asText()).get(0));
    assertThat(sent.ca()).isTrue();
    assertThat(sent.keyUsage()).contains("keyCertSign", "cRLSign");
    assertThat(sent.subjectKeyId()).isNotBlank();
    assertThat(org1.client().resources(KeyShare.class).withName("leaf-as-root").get().getStatus().recipients)
        .as("the leaf was offered to no one").isEmpty();
  }

  @Test
  void when_org2_refuses_a_share_org1_shows_org2s_own_reason_and_message() throws Exception {
    KeyPair key = SelfSignedCertificate.newEcKeyPair("secp256r1");
    secret("admin", Map.of("tls.crt", Pem.certificate(SelfSignedCertificate.issue(key, "Admin@org1.example.com",
        Instant.now(), Duration.ofDays(30), Profile.TLS_ENDPOINT, List.of(), Map.of()))));
    keyShare("admin", new SecretKeyRef("admin", null), null, KeyUsage.Admin);
    JsonNode offer = offerOf("admin");
    String uid = offer.path("shareUid").asText();

    org2Raw.send(ShareAck.refused("KeyShare", uid, offer.path("revision").asLong(), "PayloadMismatch",
        "the sender claims fingerprint 00ff, but the key's is something else"));

    Org.await("org1's recipient entry to show org2's reason", Pairings.WAIT, () -> recipient("admin")
        .map(r -> "PayloadMismatch".equals(r.reason)).orElse(false));
    RecipientStatus refused = recipient("admin").orElseThrow();
    assertThat(refused.phase).isEqualTo(SharePhase.Pending);
    assertThat(refused.message).contains("the sender claims fingerprint 00ff");
    assertThat(refused.refusedRevision).isEqualTo(offer.path("revision").asLong());
    Org.await("an Event with org2's reason", Pairings.WAIT, () -> org1.client().v1().events().list().getItems().stream()
        .anyMatch(e -> "admin".equals(e.getInvolvedObject().getName()) && "PayloadMismatch".equals(e.getReason())));

    org2Raw.send(new ShareAck("KeyShare", uid, offer.path("revision").asLong(), SharePhase.Pending,
        "line one\nline two", "not a\nreason"));
    Org.await("a reason that is not one word to be shown as ReceiverRefused", Pairings.WAIT, () -> recipient("admin")
        .map(r -> ShareAck.RECEIVER_REFUSED.equals(r.reason) && r.message.contains("line one\\nline two")
            && !r.message.contains("\n")).orElse(false));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void secret(String name, Map<String, String> data) {
    Map<String, String> encoded = new java.util.HashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(encoded).build()).create();
  }

  private void keyShare(String name, SecretKeyRef source, KeyGeneration generate, KeyUsage usage) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().source = source;
    share.getSpec().generate = generate;
    share.getSpec().usage = usage;
    share.getSpec().mspId = "Org1MSP";
    org1.client().resource(share).create();
  }

  /** The SHARE_OFFER Org2 receives for Org1's share of this name. */
  private JsonNode offerOf(String shareName) throws InterruptedException {
    return org2Raw.awaitMessage(MessageType.SHARE_OFFER, body -> shareName.equals(body.path("shareName").asText()),
        Pairings.WAIT);
  }

  private Condition awaitNotReady(Class<? extends Share<?, ?>> kind, String name, String reason) {
    Org.await(kind.getSimpleName() + " " + name + " to be held with " + reason, Pairings.WAIT, () -> ready(kind, name)
        .map(c -> c.status == ConditionStatus.False && reason.equals(c.reason)).orElse(false));
    return ready(kind, name).orElseThrow();
  }

  private Optional<Condition> ready(Class<? extends Share<?, ?>> kind, String name) {
    Share<?, ?> share = org1.client().resources(kind).withName(name).get();
    return share == null || share.getStatus() == null ? Optional.empty()
        : Conditions.find(share.getStatus().conditions, Conditions.READY);
  }

  private Optional<RecipientStatus> recipient(String name) {
    return Shares.recipient(org1, KeyShare.class, name, "org2");
  }
}
