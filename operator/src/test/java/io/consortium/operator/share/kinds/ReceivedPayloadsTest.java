package io.consortium.operator.share.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.ChaincodeShareSpec;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.NetworkShareSpec;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeLevel;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.fabric.chaincode.CcaasConnection;
import io.consortium.operator.fabric.chaincode.CcaasPackage;
import io.consortium.operator.fabric.chaincode.PackageLabel;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * What a receiver checks before it creates anything from a payload, without a server: bytes against
 * their digest, a package against its ID, a definition against its digest.
 */
class ReceivedPayloadsTest {

  // The receiving side needs no cluster for these checks.
  final NetworkShareKind networks = new NetworkShareKind(null);
  final ChaincodeShareKind chaincodes = new ChaincodeShareKind(null);
  final KeyShareKind keys = new KeyShareKind(null);

  @Test
  void a_genesis_that_does_not_hash_to_what_the_origin_claimed_is_refused() {
    byte[] genesis = "{\"config\":{\"chainId\":2025}}".getBytes(StandardCharsets.UTF_8);
    ObjectNode payload = besuPayload(genesis, Sha256.hex("something else".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> networks.receive(new NetworkShareSpec(), payload))
        .isInstanceOfSatisfying(InvalidShareSource.class, e -> assertThat(e.reason()).isEqualTo("DigestMismatch"))
        .hasMessageContaining("genesis");
  }

  @Test
  void a_received_network_keeps_the_digest_not_the_bytes_and_compares_equal_to_itself() throws Exception {
    byte[] genesis = "{\"config\":{\"chainId\":2025}}".getBytes(StandardCharsets.UTF_8);
    ObjectNode payload = besuPayload(genesis, Sha256.hex(genesis));
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
  }

  @Test
  void a_package_whose_bytes_do_not_give_the_announced_package_id_is_refused() throws Exception {
    ObjectNode payload = chaincodePayload(definition());
    byte[] other = CcaasPackage.build(new PackageLabel("basic_1.0"), CcaasConnection.plain("elsewhere:9999", null))
        .bytes();
    ((ObjectNode) payload.get("pkg")).put("bytes", Base64.getEncoder().encodeToString(other))
        .put("sha256", Sha256.hex(other));

    assertThatThrownBy(() -> chaincodes.receive(new ChaincodeShareSpec(), payload))
        .isInstanceOfSatisfying(InvalidShareSource.class, e -> assertThat(e.reason()).isEqualTo("PackageIdMismatch"));
  }

  @Test
  void a_definition_changed_after_its_digest_was_announced_is_refused() throws Exception {
    ObjectNode payload = chaincodePayload(definition());
    ((ObjectNode) payload.get("definition")).put("sequence", 2);

    assertThatThrownBy(() -> chaincodes.receive(new ChaincodeShareSpec(), payload))
        .isInstanceOfSatisfying(InvalidShareSource.class,
            e -> assertThat(e.reason()).isEqualTo("DefinitionDigestMismatch"));
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

  @Test
  void a_key_share_without_public_material_is_refused() {
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("usage", "Admin");

    assertThatThrownBy(() -> keys.receive(new KeyShareSpec(), payload))
        .isInstanceOfSatisfying(InvalidShareSource.class, e -> assertThat(e.reason()).isEqualTo("PayloadInvalid"));
  }

  private static ObjectNode besuPayload(byte[] genesis, String claimedSha256) {
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode().put("platform", "Besu");
    payload.putObject("besu").put("chainId", 2025).put("genesis", Base64.getEncoder().encodeToString(genesis))
        .put("genesisSha256", claimedSha256).putArray("bootnodes");
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
