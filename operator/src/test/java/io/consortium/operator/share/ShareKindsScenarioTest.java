package io.consortium.operator.share;

import static io.consortium.operator.testing.Shares.awaitIncoming;
import static io.consortium.operator.testing.Shares.awaitRecipient;
import static io.consortium.operator.testing.Shares.decide;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.ChaincodeShareSpec;
import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeSpec;
import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.api.v1alpha1.NetworkShareSpec;
import io.consortium.operator.api.v1alpha1.spec.BesuNetwork;
import io.consortium.operator.api.v1alpha1.spec.CcaasSpec;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeLevel;
import io.consortium.operator.api.v1alpha1.spec.ChaincodePackageSource;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConfigMapKeyRef;
import io.consortium.operator.api.v1alpha1.spec.Endpoint;
import io.consortium.operator.api.v1alpha1.spec.FabricChannel;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.besu.BftGenesis;
import io.consortium.operator.besu.NodeIdentity;
import io.consortium.operator.fabric.TestConfigBlock;
import io.consortium.operator.fabric.chaincode.CcaasConnection;
import io.consortium.operator.fabric.chaincode.CcaasPackage;
import io.consortium.operator.fabric.chaincode.PackageLabel;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.share.kinds.ChaincodeShareKind;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * The other share kinds on the same engine as KeyShare: Org1 shares a Besu network, a Fabric channel
 * and a chaincode with Org2 and Org3, each on its own cluster, over real links.
 */
class ShareKindsScenarioTest {

  @TempDir Path workdir;
  Consortium consortium;
  Org org1;
  Org org2;
  Org org3;

  @BeforeEach
  void consortium() {
    consortium = Consortium.start(workdir);
    org1 = consortium.org1();
    org2 = consortium.org2();
    org3 = consortium.org3();
  }

  @AfterEach
  void stop() {
    consortium.close();
  }

  @Test
  void org1_shares_its_besu_network_org2_accepts_and_gets_the_genesis_byte_for_byte_org3_rejects() throws Exception {
    NodeIdentity validator = besuNode();
    byte[] genesis = BftGenesis.qbft(2025, List.of(validator.address())).render();
    String enode = validator.enodeUrl("10.0.0.1", 30303).toString();
    binaryConfigMap(org1, "besu-genesis", "genesis.json", genesis);
    NetworkShare share = new NetworkShare();
    share.getMetadata().setName("besu-net");
    share.setSpec(new NetworkShareSpec());
    share.getSpec().to = List.of("org2", "org3");
    share.getSpec().platform = Platform.Besu;
    share.getSpec().besu = new BesuNetwork();
    share.getSpec().besu.chainId = 2025L;
    share.getSpec().besu.genesisRef = new ConfigMapKeyRef("besu-genesis", "genesis.json");
    share.getSpec().besu.bootnodes = List.of(enode);
    share.getSpec().besu.validators = List.of(validator.address().toString());
    org1.client().resource(share).create();

    NetworkShare atOrg2 = awaitIncoming(org2, NetworkShare.class, "org1-besu-net");
    assertThat(atOrg2.getSpec().besu.genesisSha256).isEqualTo(sha256(genesis));
    assertThat(atOrg2.getSpec().besu.genesisRef).as("the origin's ConfigMap name means nothing here").isNull();
    assertThat(atOrg2.getMetadata().getLabels()).containsEntry("consortium.io/direction", "incoming");
    awaitIncoming(org3, NetworkShare.class, "org1-besu-net");
    Org.await("the network named in org2's status", Pairings.WAIT, () -> {
      NetworkShare received = org2.client().resources(NetworkShare.class).withName("org1-besu-net").get();
      return received.getStatus() != null && "chain 2025".equals(received.getStatus().network);
    });

    decide(org2, NetworkShare.class, "org1-besu-net", "Accept");
    decide(org3, NetworkShare.class, "org1-besu-net", "Reject");

    awaitRecipient(org1, NetworkShare.class, "besu-net", "org2", SharePhase.Accepted);
    awaitRecipient(org1, NetworkShare.class, "besu-net", "org3", SharePhase.Rejected);
    Org.await("org2's rendered network", Pairings.WAIT,
        () -> org2.client().configMaps().withName("org1-besu-net-network").get() != null);
    ConfigMap rendered = org2.client().configMaps().withName("org1-besu-net-network").get();
    assertThat(rendered.getData().get("genesis.json").getBytes(StandardCharsets.UTF_8)).isEqualTo(genesis);
    assertThat(rendered.getData().get("static-nodes.json")).contains(enode);
    assertThat(org3.client().configMaps().withName("org1-besu-net-network").get())
        .as("a rejected network is not rendered").isNull();
    assertThat(org1.client().resources(NetworkShare.class).withName("besu-net").get().getStatus().summary)
        .isEqualTo("1/2 Accepted, 1/2 Rejected");
  }

  @Test
  void a_genesis_that_contradicts_the_chain_id_is_refused_at_the_origin_and_nothing_is_sent() {
    byte[] genesis = BftGenesis.qbft(2025, List.of(besuNode().address())).render();
    binaryConfigMap(org1, "besu-genesis", "genesis.json", genesis);
    NetworkShare share = new NetworkShare();
    share.getMetadata().setName("wrong-chain");
    share.setSpec(new NetworkShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().platform = Platform.Besu;
    share.getSpec().besu = new BesuNetwork();
    share.getSpec().besu.chainId = 7L;
    share.getSpec().besu.genesisRef = new ConfigMapKeyRef("besu-genesis", "genesis.json");
    org1.client().resource(share).create();

    Org.await("the refusal on org1", Pairings.WAIT, () -> ready(org1.client().resources(NetworkShare.class)
        .withName("wrong-chain").get().getStatus()).map(c -> "GenesisMismatch".equals(c.reason)).orElse(false));
    NetworkShare refused = org1.client().resources(NetworkShare.class).withName("wrong-chain").get();
    assertThat(ready(refused.getStatus()).orElseThrow().message).contains("chainId is 7").contains("says 2025");
    assertThat(refused.getStatus().recipients).as("nothing was offered").isEmpty();
  }

  @Test
  void org1_shares_a_fabric_channel_org2_gets_a_connection_profile_and_org3_without_a_peer_is_told_why()
      throws Exception {
    String ordererCa = certificate("tlsca.org1.example.com");
    String peerCa = certificate("tlsca.org2.example.com");
    byte[] block = TestConfigBlock.of("mychannel");
    binaryConfigMap(org1, "mychannel-block", "config.block", block);
    ConsortiumNode peer = new ConsortiumNode();
    peer.getMetadata().setName("peer0-org2");
    peer.setSpec(new ConsortiumNodeSpec());
    peer.getSpec().type = NodeType.FabricPeer;
    peer.getSpec().mspId = "Org2MSP";
    peer.getSpec().endpoint = "peer0.org2.example.com:7051";
    peer.getSpec().tlsCACert = peerCa;
    org2.client().resource(peer).create();
    NetworkShare share = new NetworkShare();
    share.getMetadata().setName("mychannel");
    share.setSpec(new NetworkShareSpec());
    share.getSpec().to = List.of("org2", "org3");
    share.getSpec().platform = Platform.Fabric;
    share.getSpec().fabric = new FabricChannel();
    share.getSpec().fabric.channelId = "mychannel";
    share.getSpec().fabric.orderers = List.of(new Endpoint("orderer0.org1.example.com:7050", ordererCa));
    share.getSpec().fabric.members = List.of("Org1MSP", "Org2MSP", "Org3MSP");
    share.getSpec().fabric.configBlockRef = new ConfigMapKeyRef("mychannel-block", "config.block");
    org1.client().resource(share).create();

    awaitIncoming(org2, NetworkShare.class, "org1-mychannel");
    awaitIncoming(org3, NetworkShare.class, "org1-mychannel");
    decide(org2, NetworkShare.class, "org1-mychannel", "Accept");
    decide(org3, NetworkShare.class, "org1-mychannel", "Accept");

    awaitRecipient(org1, NetworkShare.class, "mychannel", "org2", SharePhase.Accepted);
    Org.await("org2's rendered channel", Pairings.WAIT,
        () -> org2.client().configMaps().withName("org1-mychannel-network").get() != null);
    ConfigMap rendered = org2.client().configMaps().withName("org1-mychannel-network").get();
    assertThat(Base64.getDecoder().decode(rendered.getBinaryData().get("config.block"))).isEqualTo(block);
    assertThat(rendered.getData().get("connection-profile.yaml"))
        .contains("grpcs://orderer0.org1.example.com:7050")
        .contains("grpcs://peer0.org2.example.com:7051")
        .contains("Org2MSP");
    Org.await("org3 told why it has no profile", Pairings.WAIT, () -> {
      NetworkShare received = org3.client().resources(NetworkShare.class).withName("org1-mychannel").get();
      return received.getStatus() != null && Conditions.find(received.getStatus().conditions, "Rendered")
          .map(c -> "ProfileNotRendered".equals(c.reason)).orElse(false);
    });
  }

  @Test
  void org1_shares_a_ccaas_chaincode_and_org2_runs_it_under_the_package_id_every_org_computes() throws Exception {
    String image = "registry.example.com/basic@sha256:" + "ab".repeat(32);
    ChaincodeShare share = new ChaincodeShare();
    share.getMetadata().setName("basic");
    share.setSpec(new ChaincodeShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().level = ChaincodeLevel.Installed;
    share.getSpec().definition = definition();
    share.getSpec().ccaas = new CcaasSpec();
    share.getSpec().ccaas.image = image;
    share.getSpec().ccaas.port = 9999;
    org1.client().resource(share).create();
    // What any org gets when it builds the same CCaaS package itself.
    String expectedId = CcaasPackage.build(new PackageLabel("basic_1.0"), CcaasConnection.plain("basic:9999", null))
        .id().toString();

    ChaincodeShare atOrg2 = awaitIncoming(org2, ChaincodeShare.class, "org1-basic");
    Org.await("org2 computed the package ID", Pairings.WAIT, () -> {
      ChaincodeShare received = org2.client().resources(ChaincodeShare.class).withName("org1-basic").get();
      return received.getStatus() != null && expectedId.equals(received.getStatus().packageId);
    });
    assertThat(atOrg2.getSpec().packageSource.sha256).isEqualTo(expectedId.substring(expectedId.indexOf(':') + 1));
    Org.await("org1's digest in status", Pairings.WAIT, () -> org1.client().resources(ChaincodeShare.class)
        .withName("basic").get().getStatus() != null);
    assertThat(org1.client().resources(ChaincodeShare.class).withName("basic").get().getStatus().definitionDigest)
        .isEqualTo(org2.client().resources(ChaincodeShare.class).withName("org1-basic").get().getStatus()
            .definitionDigest)
        .isNotBlank();

    decide(org2, ChaincodeShare.class, "org1-basic", "Accept");

    awaitRecipient(org1, ChaincodeShare.class, "basic", "org2", SharePhase.Accepted);
    Org.await("the chaincode server on org2", Pairings.WAIT,
        () -> org2.client().apps().deployments().withName("basic").get() != null);
    Deployment server = org2.client().apps().deployments().withName("basic").get();
    var container = server.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(image);
    assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("CHAINCODE_ID") && e.getValue().equals(expectedId));
    assertThat(org2.client().services().withName(ChaincodeShareKind.ccaasHost(definition())).get().getSpec()
        .getPorts().get(0).getPort()).isEqualTo(9999);
    Org.await("the package kept on org2", Pairings.WAIT,
        () -> org2.client().configMaps().withName("org1-basic-chaincode").get() != null);
    assertThat(org2.client().configMaps().withName("org1-basic-chaincode").get().getData())
        .containsEntry("package-id", expectedId);
  }

  @Test
  void a_package_fabric_would_not_install_is_refused_at_the_origin_with_why() {
    binaryConfigMap(org1, "not-a-package", "cc.tar.gz", "not a tar".getBytes(StandardCharsets.UTF_8));
    ChaincodeShare share = new ChaincodeShare();
    share.getMetadata().setName("broken");
    share.setSpec(new ChaincodeShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().definition = definition();
    share.getSpec().packageSource = new ChaincodePackageSource();
    share.getSpec().packageSource.configMapRef = new ConfigMapKeyRef("not-a-package", "cc.tar.gz");
    org1.client().resource(share).create();

    Org.await("the refusal on org1", Pairings.WAIT, () -> ready(org1.client().resources(ChaincodeShare.class)
        .withName("broken").get().getStatus()).map(c -> "PackageInvalid".equals(c.reason)).orElse(false));
    assertThat(ready(org1.client().resources(ChaincodeShare.class).withName("broken").get().getStatus())
        .orElseThrow().message).contains("ConfigMap not-a-package");
  }

  private static ChaincodeDefinition definition() {
    ChaincodeDefinition definition = new ChaincodeDefinition();
    definition.name = "basic";
    definition.version = "1.0";
    definition.sequence = 1L;
    definition.channelId = "mychannel";
    definition.endorsementPolicy = "OR('Org1MSP.peer','Org2MSP.peer')";
    return definition;
  }

  private static java.util.Optional<Condition> ready(io.consortium.operator.api.v1alpha1.ShareStatus status) {
    return status == null ? java.util.Optional.empty() : Conditions.find(status.conditions, Conditions.READY);
  }

  private static void binaryConfigMap(Org org, String name, String key, byte[] bytes) {
    org.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
        .withBinaryData(Map.of(key, Base64.getEncoder().encodeToString(bytes))).build()).create();
  }

  private static NodeIdentity besuNode() {
    try {
      ECKeyPair key = Keys.createEcKeyPair();
      return NodeIdentity.fromPublicKey(Numeric.toBytesPadded(key.getPublicKey(), 64));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String certificate(String cn) {
    var key = SelfSignedCertificates.newEcKeyPair("secp256r1");
    return Pem.certificate(SelfSignedCertificates.selfSigned(key, cn, List.of(), Instant.now(), Duration.ofDays(365)));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
