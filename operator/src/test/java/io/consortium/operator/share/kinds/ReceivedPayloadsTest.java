package io.consortium.operator.share.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.ChaincodeShareSpec;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.KeyShareStatus;
import io.consortium.operator.api.v1alpha1.NetworkShareSpec;
import io.consortium.operator.api.v1alpha1.NetworkShareStatus;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeLevel;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.besu.BftGenesis;
import io.consortium.operator.besu.NodeAddress;
import io.consortium.operator.fabric.TestConfigBlock;
import io.consortium.operator.fabric.TestPki;
import io.consortium.operator.fabric.chaincode.CcaasConnection;
import io.consortium.operator.fabric.chaincode.CcaasPackage;
import io.consortium.operator.fabric.chaincode.PackageLabel;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.PublicKeyFacts;
import io.consortium.operator.pki.SelfSignedCertificate;
import io.consortium.operator.pki.SelfSignedCertificate.Profile;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.PublicMaterial;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import io.consortium.operator.share.inspection.PayloadInspection;
import io.consortium.operator.status.Conditions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What a receiver checks before it creates anything from a payload, without a server: every kind
 * reads what arrived again, refuses what contradicts the sender's claims ({@code PayloadMismatch})
 * or does not read as what it claims to be ({@code PayloadInvalid}), and shows only what it read.
 */
class ReceivedPayloadsTest {

  // The receiving side needs no cluster for these checks.
  final NetworkShareKind networks = new NetworkShareKind(null);
  final ChaincodeShareKind chaincodes = new ChaincodeShareKind(null);
  final KeyShareKind keys = new KeyShareKind(null);

  static final KeyPair CA_KEY = SelfSignedCertificate.newEcKeyPair("secp256r1");
  static final X509Certificate CA = SelfSignedCertificate.issue(CA_KEY, "ca.org1.example.com",
      Instant.now().minus(1, ChronoUnit.DAYS), Duration.ofDays(365), Profile.CA, List.of(), Map.of());
  static final KeyPair LEAF_KEY = SelfSignedCertificate.newEcKeyPair("secp384r1");
  static final X509Certificate LEAF = SelfSignedCertificate.issue(LEAF_KEY, "Admin@org1.example.com",
      Instant.now().minus(1, ChronoUnit.DAYS), Duration.ofDays(365), Profile.TLS_ENDPOINT, List.of(), Map.of());

  // ---- KeyShare --------------------------------------------------------------------------------

  @Test
  void an_honest_key_lands_and_its_status_is_read_from_the_key_and_certificate() throws Exception {
    KeyShareSpec spec = new KeyShareSpec();
    keys.receive(spec, keyPayload(material(CA), KeyUsage.CARoot));
    KeyShareStatus status = new KeyShareStatus();

    keys.describe(status, keys.payloadOf(spec));

    assertThat(status.fingerprint).isEqualTo(PublicKeyFacts.fingerprint(CA.getPublicKey()));
    assertThat(status.algorithm).isEqualTo("EC");
    assertThat(status.curve).isEqualTo("P-256");
    assertThat(status.keySize).isEqualTo(256);
    assertThat(status.certificate.subject).isEqualTo("CN=ca.org1.example.com, O=consortium-operator");
    assertThat(status.certificate.basicConstraints).isEqualTo("CA:TRUE");
    assertThat(status.certificate.keyUsage).contains("keyCertSign", "cRLSign");
    assertThat(status.certificate.notAfter).isEqualTo(CA.getNotAfter().toInstant().toString());
    assertThat(condition(status, KeyShareKind.CERTIFICATE_VALID).status).isEqualTo(ConditionStatus.True);
  }

  @Test
  void a_made_up_fingerprint_is_refused_naming_the_keys_own() {
    PublicKeyMaterial lying = material(LEAF);
    lying.fingerprint = "ab".repeat(32);
    KeyShareSpec spec = new KeyShareSpec();

    assertRefused(() -> keys.receive(spec, keyPayload(lying, KeyUsage.Admin)), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("ab".repeat(32)).contains(PublicKeyFacts.fingerprint(LEAF_KEY.getPublic())));
    assertThat(spec.material).as("nothing was kept").isNull();
  }

  @Test
  void claims_about_the_algorithm_curve_or_size_that_the_key_contradicts_are_refused() {
    Map<String, Consumer<PublicKeyMaterial>> lies = Map.of("algorithm RSA (the key is EC)", m -> m.algorithm = "RSA",
        "curve P-256 (the key's is P-384)", m -> m.curve = "P-256", "key size 4096 (the key's is 384)",
        m -> m.keySize = 4096);
    lies.forEach((said, lie) -> {
      PublicKeyMaterial material = material(LEAF);
      lie.accept(material);
      assertRefused(() -> keys.receive(new KeyShareSpec(), keyPayload(material, KeyUsage.Admin)), "PayloadMismatch",
          e -> assertThat(e.getMessage()).contains(said));
    });
  }

  @Test
  void a_certificate_of_another_key_than_the_public_key_is_refused() {
    PublicKeyMaterial mixed = material(LEAF);
    mixed.certificate = Pem.certificate(CA);

    assertRefused(() -> keys.receive(new KeyShareSpec(), keyPayload(mixed, KeyUsage.Admin)), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("certifies the key"));
  }

  @Test
  void a_private_key_where_the_public_key_belongs_is_refused_and_the_scan_sees_it_first() {
    PublicKeyMaterial leaking = material(LEAF);
    leaking.certificate = null;
    leaking.publicKey = Pem.privateKey(LEAF_KEY.getPrivate());
    JsonNode payload = keyPayload(leaking, KeyUsage.Admin);

    assertThat(PayloadInspection.SHARES.inspect(payload)).get().extracting(PayloadInspection.Finding::reason)
        .isEqualTo(PayloadInspection.PRIVATE_KEY_MATERIAL);
    assertRefused(() -> keys.receive(new KeyShareSpec(), payload), "PayloadInvalid",
        e -> assertThat(e.getMessage()).contains("exactly one PUBLIC KEY block"));
  }

  @Test
  void a_certificate_field_with_anything_but_certificates_is_refused_and_a_chain_is_described_by_its_first() throws Exception {
    PublicKeyMaterial notCertificates = material(LEAF);
    notCertificates.certificate = Pem.certificate(LEAF) + Pem.publicKey(CA_KEY.getPublic());
    assertRefused(() -> keys.receive(new KeyShareSpec(), keyPayload(notCertificates, KeyUsage.Admin)), "PayloadInvalid",
        e -> assertThat(e.getMessage()).contains("not a certificate"));

    TestPki ca = TestPki.selfSignedCa("tlsca.org1.example.com");
    TestPki server = ca.issueServerCertificate("peer0.org1.example.com");
    X509Certificate serverCertificate = Pem.readCertificates(server.certificatePem()).get(0);
    PublicKeyMaterial chained = material(serverCertificate);
    chained.certificate = server.certificatePem() + ca.certificatePem();
    KeyShareSpec spec = new KeyShareSpec();
    keys.receive(spec, keyPayload(chained, KeyUsage.Node));
    KeyShareStatus status = new KeyShareStatus();
    keys.describe(status, keys.payloadOf(spec));
    assertThat(status.certificate.chainLength).isEqualTo(2);
    assertThat(status.certificate.subject).contains("peer0.org1.example.com");
  }

  @Test
  void a_ca_usage_needs_a_ca_certificate() {
    assertRefused(() -> keys.receive(new KeyShareSpec(), keyPayload(material(LEAF), KeyUsage.CARoot)),
        PublicMaterial.NOT_A_CA_CERTIFICATE, e -> assertThat(e.getMessage()).contains("CA:FALSE"));
    PublicKeyMaterial keyOnly = material(CA);
    keyOnly.certificate = null;
    assertRefused(() -> keys.receive(new KeyShareSpec(), keyPayload(keyOnly, KeyUsage.TLSCARoot)),
        PublicMaterial.NOT_A_CA_CERTIFICATE, e -> assertThat(e.getMessage()).contains("holds no certificate"));
  }

  @Test
  void an_expired_ca_is_kept_and_flagged_with_its_not_after() throws Exception {
    X509Certificate expired = SelfSignedCertificate.issue(CA_KEY, "old-ca.org1.example.com",
        Instant.now().minus(400, ChronoUnit.DAYS), Duration.ofDays(365), Profile.CA, List.of(), Map.of());
    KeyShareSpec spec = new KeyShareSpec();
    keys.receive(spec, keyPayload(material(expired), KeyUsage.CARoot));
    KeyShareStatus status = new KeyShareStatus();

    keys.describe(status, keys.payloadOf(spec));

    Condition valid = condition(status, KeyShareKind.CERTIFICATE_VALID);
    assertThat(valid.status).isEqualTo(ConditionStatus.False);
    assertThat(valid.reason).isEqualTo(PublicMaterial.CERTIFICATE_EXPIRED);
    assertThat(valid.message).contains(expired.getNotAfter().toInstant().toString());
    assertThat(status.certificate.notAfter).isEqualTo(expired.getNotAfter().toInstant().toString());
  }

  @Test
  void the_status_never_shows_a_claim_the_key_does_not_make() throws Exception {
    KeyShareSpec spec = new KeyShareSpec();
    keys.receive(spec, keyPayload(material(LEAF), KeyUsage.Admin));
    spec.material.fingerprint = "00".repeat(32); // edited after arrival
    spec.material.curve = "P-256";
    KeyShareStatus status = new KeyShareStatus();

    keys.describe(status, keys.payloadOf(spec));

    assertThat(status.fingerprint).isEqualTo(PublicKeyFacts.fingerprint(LEAF_KEY.getPublic()));
    assertThat(status.curve).isEqualTo("P-384");
  }

  @Test
  void a_key_share_without_public_material_is_refused() {
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("usage", "Admin");

    assertRefused(() -> keys.receive(new KeyShareSpec(), payload), "PayloadInvalid", e -> { });
  }

  // ---- NetworkShare ----------------------------------------------------------------------------

  @Test
  void a_genesis_that_does_not_hash_to_what_the_origin_claimed_is_refused() {
    ObjectNode payload = besuPayload(2025, genesis(2025), Sha256.hex("something else".getBytes(StandardCharsets.UTF_8)));

    assertRefused(() -> networks.receive(new NetworkShareSpec(), payload), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("genesis"));
  }

  @Test
  void a_genesis_of_another_chain_than_claimed_or_no_bft_genesis_at_all_is_refused() {
    byte[] other = genesis(4242);
    assertRefused(() -> networks.receive(new NetworkShareSpec(), besuPayload(2025, other, Sha256.hex(other))),
        "PayloadMismatch", e -> assertThat(e.getMessage()).contains("2025").contains("4242"));

    byte[] notBft = "{\"config\":{\"chainId\":2025}}".getBytes(StandardCharsets.UTF_8);
    assertRefused(() -> networks.receive(new NetworkShareSpec(), besuPayload(2025, notBft, Sha256.hex(notBft))),
        "PayloadInvalid", e -> assertThat(e.getMessage()).contains("not a Besu BFT genesis"));
  }

  @Test
  void a_received_network_keeps_the_digest_not_the_bytes_and_shows_what_the_genesis_says() throws Exception {
    byte[] genesis = genesis(2025);
    ObjectNode payload = besuPayload(2025, genesis, Sha256.hex(genesis));
    NetworkShareSpec spec = new NetworkShareSpec();

    networks.receive(spec, payload);

    assertThat(spec.platform).isEqualTo(Platform.Besu);
    assertThat(spec.besu.genesisSha256).isEqualTo(Sha256.hex(genesis));
    assertThat(spec.besu.genesisRef).isNull();
    JsonNode kept = networks.payloadOf(spec);
    assertThat(kept.at("/besu/genesis").isMissingNode()).as("the bytes live beside the share").isTrue();
    NetworkShareSpec again = new NetworkShareSpec();
    networks.receive(again, payload);
    assertThat(networks.payloadOf(again)).as("the same revision twice is no change").isEqualTo(kept);
    NetworkShareStatus origin = new NetworkShareStatus();
    networks.describe(origin, payload);
    assertThat(origin.chainId).isEqualTo(2025L);
    assertThat(origin.genesisSha256).isEqualTo(Sha256.hex(genesis));
    assertThat(origin.network).isEqualTo("chain 2025");
  }

  @Test
  void bootnodes_and_validators_that_are_not_what_they_claim_are_refused() {
    byte[] genesis = genesis(2025);
    ObjectNode badBootnode = besuPayload(2025, genesis, Sha256.hex(genesis));
    ((ObjectNode) badBootnode.get("besu")).putArray("bootnodes").add("enode://not-a-key@10.0.0.1:30303");
    assertRefused(() -> networks.receive(new NetworkShareSpec(), badBootnode), "PayloadInvalid", e -> { });

    ObjectNode badValidator = besuPayload(2025, genesis, Sha256.hex(genesis));
    ((ObjectNode) badValidator.get("besu")).putArray("validators").add("0x1234");
    assertRefused(() -> networks.receive(new NetworkShareSpec(), badValidator), "PayloadInvalid", e -> { });
  }

  @Test
  void a_config_block_of_another_channel_or_no_config_block_is_refused() {
    byte[] otherChannel = TestConfigBlock.of("otherchannel");
    assertRefused(() -> networks.receive(new NetworkShareSpec(), fabricPayload("mychannel", otherChannel)),
        "PayloadMismatch", e -> assertThat(e.getMessage()).contains("otherchannel").contains("mychannel"));

    byte[] transaction = TestConfigBlock.ofTransaction("mychannel");
    assertRefused(() -> networks.receive(new NetworkShareSpec(), fabricPayload("mychannel", transaction)),
        "PayloadInvalid", e -> assertThat(e.getMessage()).contains("not a channel's config block"));

    byte[] junk = "a config block as the orderer made it".getBytes(StandardCharsets.UTF_8);
    assertRefused(() -> networks.receive(new NetworkShareSpec(), fabricPayload("mychannel", junk)), "PayloadInvalid",
        e -> { });
  }

  @Test
  void an_honest_channel_lands_and_shows_the_channel_its_block_names() throws Exception {
    byte[] block = TestConfigBlock.of("mychannel");
    ObjectNode payload = fabricPayload("mychannel", block);
    NetworkShareSpec spec = new NetworkShareSpec();

    networks.receive(spec, payload);
    NetworkShareStatus incoming = new NetworkShareStatus();
    networks.describe(incoming, networks.payloadOf(spec));
    NetworkShareStatus origin = new NetworkShareStatus();
    networks.describe(origin, payload);

    assertThat(origin.channelId).isEqualTo("mychannel");
    assertThat(origin.configBlockSha256).isEqualTo(Sha256.hex(block));
    assertThat(incoming.channelId).as("checked against the block on arrival").isEqualTo("mychannel");
    assertThat(incoming.configBlockSha256).isEqualTo(Sha256.hex(block));
  }

  @Test
  void an_orderer_tls_ca_that_is_not_only_certificates_is_refused() {
    ObjectNode payload = fabricPayload("mychannel", TestConfigBlock.of("mychannel"));
    ((ObjectNode) payload.get("fabric")).putArray("orderers").addObject().put("address", "orderer0:7050")
        .put("tlsCACert", Pem.certificate(CA) + Pem.privateKey(CA_KEY.getPrivate()));

    assertRefused(() -> networks.receive(new NetworkShareSpec(), payload), "PayloadInvalid",
        e -> assertThat(e.getMessage()).contains("private key"));
  }

  // ---- ChaincodeShare --------------------------------------------------------------------------

  @Test
  void a_package_whose_bytes_do_not_give_the_announced_package_id_is_refused() throws Exception {
    ObjectNode payload = chaincodePayload(definition());
    byte[] other = CcaasPackage.build(new PackageLabel("basic_1.0"), CcaasConnection.plain("elsewhere:9999", null))
        .bytes();
    ((ObjectNode) payload.get("pkg")).put("bytes", Base64.getEncoder().encodeToString(other))
        .put("sha256", Sha256.hex(other));

    assertRefused(() -> chaincodes.receive(new ChaincodeShareSpec(), payload), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("package ID"));
  }

  @Test
  void package_bytes_or_a_label_other_than_announced_are_refused() throws Exception {
    ObjectNode wrongSha = chaincodePayload(definition());
    ((ObjectNode) wrongSha.get("pkg")).put("sha256", "00".repeat(32));
    assertRefused(() -> chaincodes.receive(new ChaincodeShareSpec(), wrongSha), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("hashes to"));

    ObjectNode wrongLabel = chaincodePayload(definition());
    ((ObjectNode) wrongLabel.get("pkg")).put("label", "trusted_9.9");
    assertRefused(() -> chaincodes.receive(new ChaincodeShareSpec(), wrongLabel), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("trusted_9.9").contains("basic_1.0"));

    ObjectNode noPackage = chaincodePayload(definition());
    noPackage.remove("pkg");
    assertRefused(() -> chaincodes.receive(new ChaincodeShareSpec(), noPackage), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("sent no package"));
  }

  @Test
  void a_definition_changed_after_its_digest_was_announced_is_refused() throws Exception {
    ObjectNode payload = chaincodePayload(definition());
    ((ObjectNode) payload.get("definition")).put("sequence", 2);

    assertRefused(() -> chaincodes.receive(new ChaincodeShareSpec(), payload), "PayloadMismatch",
        e -> assertThat(e.getMessage()).contains("digest of the definition"));
  }

  @Test
  void an_honest_chaincode_payload_lands_with_its_package_id_and_digest() throws Exception {
    ObjectNode payload = chaincodePayload(definition());
    ChaincodeShareSpec spec = new ChaincodeShareSpec();

    chaincodes.receive(spec, payload);

    assertThat(spec.packageSource.label).isEqualTo("basic_1.0");
    assertThat(chaincodes.payloadOf(spec).get("packageId").asText()).isEqualTo(payload.get("packageId").asText());
    assertThat(chaincodes.payloadOf(spec).get("definitionDigest").asText())
        .isEqualTo(ChaincodeShareKind.digest(definition()));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static void assertRefused(Refusable receive, String reason, Consumer<InvalidShareSource> more) {
    assertThatThrownBy(receive::run).isInstanceOfSatisfying(InvalidShareSource.class, e -> {
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
      more.accept(e);
    });
  }

  @FunctionalInterface
  interface Refusable {
    void run() throws Exception;
  }

  private static Condition condition(KeyShareStatus status, String type) {
    return Conditions.find(status.conditions, type).orElseThrow();
  }

  /** What an honest origin sends for a certificate. */
  static PublicKeyMaterial material(X509Certificate certificate) {
    return PublicMaterial.fromPem(Pem.certificate(certificate), "test");
  }

  static JsonNode keyPayload(PublicKeyMaterial material, KeyUsage usage) {
    return ProtocolJson.MAPPER.valueToTree(new KeyShareKind.Payload(material, usage, "Org1MSP"));
  }

  private static byte[] genesis(long chainId) {
    return BftGenesis.qbft(chainId, List.of(NodeAddress.parse("0x1234567890123456789012345678901234567890"))).render();
  }

  private static ObjectNode besuPayload(long chainId, byte[] genesis, String claimedSha256) {
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("platform", "Besu");
    payload.putObject("besu").put("chainId", chainId).put("genesis", Base64.getEncoder().encodeToString(genesis))
        .put("genesisSha256", claimedSha256).putArray("bootnodes");
    return payload;
  }

  private static ObjectNode fabricPayload(String channelId, byte[] block) {
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("platform", "Fabric");
    payload.putObject("fabric").put("channelId", channelId).put("configBlock", Base64.getEncoder().encodeToString(block))
        .put("configBlockSha256", Sha256.hex(block)).putArray("members").add("Org1MSP");
    return payload;
  }

  /** What an honest origin sends for a CCaaS chaincode. */
  private static ObjectNode chaincodePayload(ChaincodeDefinition definition) throws InvalidShareSource {
    CcaasPackage pkg = CcaasPackage.build(new PackageLabel("basic_1.0"), CcaasConnection.plain("basic:9999", null));
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("level", ChaincodeLevel.Package.name());
    payload.set("definition", ProtocolJson.MAPPER.valueToTree(definition));
    payload.putObject("pkg").put("label", "basic_1.0").put("bytes", Base64.getEncoder().encodeToString(pkg.bytes()))
        .put("sha256", Sha256.hex(pkg.bytes()));
    payload.put("packageId", pkg.id().toString()).put("definitionDigest", ChaincodeShareKind.digest(definition));
    return payload;
  }

  private static ChaincodeDefinition definition() {
    ChaincodeDefinition definition = new ChaincodeDefinition();
    definition.name = "basic";
    definition.version = "1.0";
    definition.sequence = 1L;
    definition.endorsementPolicy = "OR('Org1MSP.peer','Org2MSP.peer')";
    return definition;
  }
}
