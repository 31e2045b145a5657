package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.fabric.chaincode.ChaincodeDefinition;
import io.consortium.operator.fabric.chaincode.ChaincodePackage;
import io.consortium.operator.fabric.chaincode.EndorsementPolicy;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.MessageType;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.PublicKeyFacts;
import io.consortium.operator.pki.SelfSignedCertificate;
import io.consortium.operator.pki.SelfSignedCertificate.Profile;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import io.consortium.operator.testing.TestArchives;
import io.fabric8.kubernetes.api.model.Event;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Org2 turns hostile: with its real, pinned key it offers Org1 shares its operator would never send
 * (a private key as a "public key", a made-up fingerprint, a chaincode package that writes outside
 * its directory, a leaf certificate posing as a CA). Org1 refuses each before anything is stored,
 * tells Org2 why, counts it, writes it down, and goes on serving Org2's honest shares.
 */
class HostilePayloadScenarioTest {

  private static final String REFUSED = "consortium_shares_refused_total";

  @TempDir Path workdir;
  Org org1;
  Org org2;
  RawPeer org2Raw;
  final ListAppender<ILoggingEvent> audit = new ListAppender<>();

  @BeforeEach
  void pairThenTakeOverOrg2sKey() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("consortium.audit");
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    audit.start();
    logger.addAppender(audit);
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
    ((Logger) LoggerFactory.getLogger("consortium.audit")).detachAppender(audit);
    org2Raw.close();
    org2.close();
    org1.close();
  }

  @Test
  void org2_offers_an_ec_private_key_as_its_public_key_with_a_made_up_fingerprint_and_org1_keeps_nothing()
      throws Exception {
    KeyPair stolen = SelfSignedCertificate.newEcKeyPair("secp256r1");
    ObjectNode payload = keyPayload(Pem.privateKey(stolen.getPrivate()), null, "ab".repeat(32), "Admin");

    JsonNode ack = offer("KeyShare", "admin-key", payload);

    assertRefusedAndNothingKept(ack, KeyShare.class, "PrivateKeyMaterial");
    assertThat(ack.path("error").asText()).contains("material.publicKey").contains("never leave");
    honestShareIsStillServed();
  }

  @Test
  void org2_offers_a_real_public_key_under_a_made_up_fingerprint_and_org1_refuses_it_as_a_mismatch()
      throws Exception {
    KeyPair key = SelfSignedCertificate.newEcKeyPair("secp256r1");
    ObjectNode payload = keyPayload(Pem.publicKey(key.getPublic()), null, "ab".repeat(32), "Admin");

    JsonNode ack = offer("KeyShare", "admin-key", payload);

    assertRefusedAndNothingKept(ack, KeyShare.class, "PayloadMismatch");
    assertThat(ack.path("error").asText()).contains(PublicKeyFacts.fingerprint(key.getPublic()));
  }

  @Test
  void org2_offers_a_chaincode_package_that_carries_a_key_or_escapes_its_directory_and_org1_stores_none_of_them()
      throws Exception {
    byte[] key = Pem.privateKey(SelfSignedCertificate.newEcKeyPair("secp256r1").getPrivate())
        .getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> withKey = new LinkedHashMap<>();
    withKey.put("connection.json", "{\"address\":\"basic:9999\"}".getBytes(StandardCharsets.UTF_8));
    withKey.put("tls/client.key", key);
    Map<String, byte[]> escaping = new LinkedHashMap<>();
    escaping.put("connection.json", "{\"address\":\"basic:9999\"}".getBytes(StandardCharsets.UTF_8));
    escaping.put("../../../../tmp/x", "#!/bin/sh".getBytes(StandardCharsets.UTF_8));
    escaping.put("/etc/cron.d/evil", "* * * * * root sh /tmp/x".getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> both = new LinkedHashMap<>(escaping);
    both.put("key.pem", key);

    assertRefusedAndNothingKept(offer("ChaincodeShare", "basic-key", chaincodePayload(withKey)),
        ChaincodeShare.class, "PrivateKeyMaterial");
    assertRefusedAndNothingKept(offer("ChaincodeShare", "basic-escape", chaincodePayload(escaping)),
        ChaincodeShare.class, "UnsafeArchive");
    JsonNode ack = offer("ChaincodeShare", "basic-both", chaincodePayload(both));
    assertThat(ack.path("reason").asText()).isIn("UnsafeArchive", "PrivateKeyMaterial");
    assertThat(org1.client().resources(ChaincodeShare.class).list().getItems()).isEmpty();
    assertThat(org1.metric(REFUSED, "kind=\"ChaincodeShare\"")).isGreaterThanOrEqualTo(3);
    honestShareIsStillServed();
  }

  @Test
  void org2_shares_a_leaf_certificate_as_its_ca_root_and_org1_refuses_it_but_keeps_an_expired_ca_flagged()
      throws Exception {
    KeyPair leafKey = SelfSignedCertificate.newEcKeyPair("secp256r1");
    X509Certificate leaf = SelfSignedCertificate.issue(leafKey, "Admin@org2.example.com",
        Instant.now().minus(1, ChronoUnit.DAYS), Duration.ofDays(30), Profile.TLS_ENDPOINT, List.of(), Map.of());
    JsonNode ack = offer("KeyShare", "ca-root", keyPayload(Pem.publicKey(leafKey.getPublic()), Pem.certificate(leaf),
        PublicKeyFacts.fingerprint(leafKey.getPublic()), "CARoot"));
    assertRefusedAndNothingKept(ack, KeyShare.class, "NotACACertificate");
    assertThat(ack.path("error").asText()).contains("CA:FALSE");

    KeyPair caKey = SelfSignedCertificate.newEcKeyPair("secp256r1");
    X509Certificate expired = SelfSignedCertificate.issue(caKey, "ca.org2.example.com",
        Instant.now().minus(400, ChronoUnit.DAYS), Duration.ofDays(365), Profile.CA, List.of(), Map.of());
    JsonNode stored = offer("KeyShare", "old-ca", keyPayload(Pem.publicKey(caKey.getPublic()),
        Pem.certificate(expired), PublicKeyFacts.fingerprint(caKey.getPublic()), "CARoot"));

    assertThat(stored.path("error").isMissingNode() || stored.path("error").isNull()).as(stored.toString()).isTrue();
    Org.await("org1 to flag the expired CA", Pairings.WAIT, () -> certificateValid(org1, "org2-old-ca") != null
        && certificateValid(org1, "org2-old-ca").status == ConditionStatus.False);
    KeyShare flagged = org1.client().resources(KeyShare.class).withName("org2-old-ca").get();
    assertThat(certificateValid(org1, "org2-old-ca").reason).isEqualTo("CertificateExpired");
    assertThat(flagged.getStatus().certificate.notAfter).isEqualTo(expired.getNotAfter().toInstant().toString());
    assertThat(flagged.getStatus().phase).as("kept for a person to decide").isEqualTo(SharePhase.Pending);
    Org.await("an Event on the share saying so", Pairings.WAIT, () -> events(org1, "org2-old-ca").stream()
        .anyMatch(e -> "CertificateExpired".equals(e.getReason())));
  }

  // ---- the story's parts -----------------------------------------------------------------------

  /** Org2 sends a share as its operator would; the answer is Org1's SHARE_ACK for it. */
  private JsonNode offer(String kind, String name, JsonNode payload) throws Exception {
    String uid = UUID.randomUUID().toString();
    org2Raw.send(new ShareOffer(kind, uid, name, 1, null, payload, null));
    return org2Raw.awaitMessage(MessageType.SHARE_ACK, body -> uid.equals(body.path("shareUid").asText()),
        Pairings.WAIT);
  }

  private void assertRefusedAndNothingKept(JsonNode ack, Class<? extends Share<?, ?>> kind, String reason) {
    assertThat(ack.path("reason").asText()).as(ack.toString()).isEqualTo(reason);
    assertThat(ack.path("error").asText()).as("Org2 is told why").startsWith(reason + ": ");
    assertThat(org1.client().resources(kind).list().getItems()).as("no incoming " + kind.getSimpleName()).isEmpty();
    assertThat(org1.client().configMaps().withLabel(ShareEngine.FROM_LABEL).list().getItems())
        .as("no ConfigMap of a received payload").isEmpty();
    Org.await("org1 to count the refusal", Pairings.WAIT, () -> org1.metric(REFUSED,
        "kind=\"" + kind.getSimpleName() + "\"", "reason=\"" + reason + "\"") >= 1);
    Org.await("an Event on org1's pairing", Pairings.WAIT, () -> events(org1, "org2").stream()
        .anyMatch(e -> reason.equals(e.getReason())));
    assertThat(audit.list.stream().map(ILoggingEvent::getFormattedMessage)).as("an audit line")
        .anySatisfy(line -> assertThat(line).contains("\"to\":\"Refused\"").contains("\"reason\":\"" + reason + "\"")
            .contains("\"peer\":\"org2\""));
  }

  /** After a refusal the link still serves Org2: an honest key share lands, Pending, and is acknowledged. */
  private void honestShareIsStillServed() throws Exception {
    KeyPair key = SelfSignedCertificate.newEcKeyPair("secp256r1");
    X509Certificate certificate = SelfSignedCertificate.issue(key, "Admin@org2.example.com", Instant.now(),
        Duration.ofDays(30), Profile.TLS_ENDPOINT, List.of(), Map.of());
    JsonNode ack = offer("KeyShare", "honest", keyPayload(Pem.publicKey(key.getPublic()), Pem.certificate(certificate),
        PublicKeyFacts.fingerprint(key.getPublic()), "Admin"));

    assertThat(ack.path("error").isMissingNode() || ack.path("error").isNull()).as(ack.toString()).isTrue();
    assertThat(org1.client().resources(KeyShare.class).withName("org2-honest").get()).isNotNull();
    assertThat(Pairings.phase(org1, "org2")).isEqualTo(PairingPhase.Connected);
  }

  private static ObjectNode keyPayload(String publicKey, String certificate, String fingerprint, String usage) {
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("usage", usage).put("mspId", "Org2MSP");
    ObjectNode material = payload.putObject("material").put("publicKey", publicKey).put("fingerprint", fingerprint)
        .put("algorithm", "EC");
    if (certificate != null) {
      material.put("certificate", certificate);
    }
    return payload;
  }

  /** A chaincode share as Org2's operator would describe it, consistent in every claim but carrying this code. */
  private static ObjectNode chaincodePayload(Map<String, byte[]> code) throws Exception {
    byte[] pkg = TestArchives.chaincodePackage("basic_1.0", code);
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("level", "Package");
    payload.putObject("definition").put("name", "basic").put("version", "1.0").put("sequence", 1);
    payload.putObject("pkg").put("label", "basic_1.0").put("bytes", Base64.getEncoder().encodeToString(pkg))
        .put("sha256", Sha256.hex(pkg));
    payload.put("packageId", ChaincodePackage.read(new ByteArrayInputStream(pkg)).id().toString());
    payload.put("definitionDigest", ChaincodeDefinition.of("basic", "1.0", 1, EndorsementPolicy.channelDefault())
        .withInitRequired(false).digest().hex());
    return payload;
  }

  private static Condition certificateValid(Org org, String name) {
    KeyShare share = org.client().resources(KeyShare.class).withName(name).get();
    return share == null || share.getStatus() == null ? null
        : Conditions.find(share.getStatus().conditions, "CertificateValid").orElse(null);
  }

  private static List<Event> events(Org org, String object) {
    return org.client().v1().events().list().getItems().stream()
        .filter(e -> object.equals(e.getInvolvedObject().getName())).toList();
  }
}
