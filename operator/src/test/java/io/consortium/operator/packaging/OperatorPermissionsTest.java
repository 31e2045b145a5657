package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.ChaincodeShareSpec;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.ConfigProposalSpec;
import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeSpec;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.api.v1alpha1.NetworkShareSpec;
import io.consortium.operator.api.v1alpha1.spec.BesuNetwork;
import io.consortium.operator.api.v1alpha1.spec.CcaasSpec;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeLevel;
import io.consortium.operator.api.v1alpha1.spec.ConfigMapKeyRef;
import io.consortium.operator.api.v1alpha1.spec.FabricConfigUpdate;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.ProposalPolicy;
import io.consortium.operator.api.v1alpha1.spec.ProposalSigner;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.besu.BftGenesis;
import io.consortium.operator.besu.NodeIdentity;
import io.consortium.operator.embedded.RequestCounter;
import io.consortium.operator.fabric.TestPki;
import io.consortium.operator.identity.IdentityStore;
import io.consortium.operator.runtime.OperatorRuntime;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.Shares;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * What the operator asks of its API server in a consortium's life (pairing, every share kind both ways,
 * decisions, revocation, deletion, nodes, a key rollover, a revoked pairing, a clean stop), recorded by
 * the embedded API servers, held against what the chart's Role and the OLM bundle's permissions grant:
 * on a real cluster every one of these requests must be allowed.
 */
class OperatorPermissionsTest {

  /** Granted to every authenticated user by the default cluster roles (system:basic-user). */
  static final Set<String> ALWAYS_ALLOWED = Set.of("authorization.k8s.io/selfsubjectrulesreviews create",
      "authorization.k8s.io/selfsubjectaccessreviews create");

  @TempDir Path workdir;

  @Test
  void every_request_the_operator_makes_is_granted_by_the_charts_role_and_the_bundles_permissions()
      throws Exception {
    Set<String> used = new TreeSet<>();
    Consortium consortium = Consortium.start(workdir);
    List<Org> orgs = List.of(consortium.org1(), consortium.org2(), consortium.org3());
    try {
      liveAConsortiumsLife(consortium.org1(), consortium.org2(), consortium.org3());
    } finally {
      consortium.close();
    }
    String operator = OperatorRuntime.USER_AGENT.substring(0, OperatorRuntime.USER_AGENT.indexOf('/'));
    for (Org org : orgs) {
      org.cluster().requests().accesses().stream().filter(a -> a.client().equals(operator))
          .map(RequestCounter.Access::grant).forEach(used::add);
    }
    used.removeAll(ALWAYS_ALLOWED);
    assertThat(used).as("the scenario exercised the operator").contains("coordination.k8s.io/leases delete",
        "consortium.io/keyshares/status patch", "apps/deployments create", "/secrets create");

    Role role = HelmChartTest.one(HelmChartTest.render(), Role.class, "org1-consortium-operator");
    Set<String> chart = HelmChartTest.grants(role.getRules());
    assertThat(used.stream().filter(g -> !chart.contains(g)).collect(Collectors.toList()))
        .as("requests the operator makes that the chart's Role (templates/_helpers.tpl, operatorRules) does not grant")
        .isEmpty();
    ClusterServiceVersion csv = ProjectFiles.SERIALIZATION.unmarshal(ProjectFiles.read(OlmBundleTest.CSV_FILE),
        ClusterServiceVersion.class);
    Set<String> bundle = HelmChartTest.grants(csv.getSpec().getInstall().getSpec().getPermissions().get(0).getRules());
    assertThat(used.stream().filter(g -> !bundle.contains(g)).collect(Collectors.toList()))
        .as("requests the operator makes that the bundle's CSV permissions do not grant").isEmpty();
  }

  /** Org1 shares one of each kind; org2 accepts, org3 rejects; org1 revokes, deletes, rolls its key, revokes org3. */
  static void liveAConsortiumsLife(Org org1, Org org2, Org org3) {
    TestPki admin1 = TestPki.selfSignedCa("Admin@org1.example.com");
    secret(org1, "org1-admin", Map.of("tls.crt", admin1.certificatePem(), "tls.key", admin1.privateKeyPem(),
        "cert.pem", admin1.certificatePem(), "key.pem", admin1.privateKeyPem()));
    TestPki admin2 = TestPki.selfSignedCa("Admin@org2.example.com");
    secret(org2, "org2-admin", Map.of("cert.pem", admin2.certificatePem(), "key.pem", admin2.privateKeyPem()));

    KeyShare key = new KeyShare();
    key.getMetadata().setName("admin-cert");
    key.setSpec(new KeyShareSpec());
    key.getSpec().to = List.of("org2", "org3");
    key.getSpec().source = new SecretKeyRef("org1-admin", null);
    org1.client().resource(key).create();
    KeyShare generated = new KeyShare();
    generated.getMetadata().setName("tls-ca");
    generated.setSpec(new KeyShareSpec());
    generated.getSpec().to = List.of("org2");
    generated.getSpec().generate = new KeyGeneration();
    org1.client().resource(generated).create();

    byte[] genesis = BftGenesis.qbft(2025, List.of(besuNode().address())).render();
    org1.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("besu-genesis").endMetadata()
        .withBinaryData(Map.of("genesis.json", Base64.getEncoder().encodeToString(genesis))).build()).create();
    NetworkShare network = new NetworkShare();
    network.getMetadata().setName("besu-net");
    network.setSpec(new NetworkShareSpec());
    network.getSpec().to = List.of("org2");
    network.getSpec().platform = Platform.Besu;
    network.getSpec().besu = new BesuNetwork();
    network.getSpec().besu.chainId = 2025L;
    network.getSpec().besu.genesisRef = new ConfigMapKeyRef("besu-genesis", "genesis.json");
    org1.client().resource(network).create();

    ChaincodeShare chaincode = new ChaincodeShare();
    chaincode.getMetadata().setName("basic");
    chaincode.setSpec(new ChaincodeShareSpec());
    chaincode.getSpec().to = List.of("org2");
    chaincode.getSpec().level = ChaincodeLevel.Installed;
    chaincode.getSpec().definition = new ChaincodeDefinition();
    chaincode.getSpec().definition.name = "basic";
    chaincode.getSpec().definition.version = "1.0";
    chaincode.getSpec().definition.sequence = 1L;
    chaincode.getSpec().definition.channelId = "mychannel";
    chaincode.getSpec().ccaas = new CcaasSpec();
    chaincode.getSpec().ccaas.image = "registry.example.com/basic@sha256:" + "ab".repeat(32);
    chaincode.getSpec().ccaas.port = 9999;
    org1.client().resource(chaincode).create();

    org1.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("supplychain-update")
        .endMetadata().withBinaryData(Map.of("update.pb", Base64.getEncoder().encodeToString(batchTimeout())))
        .build()).create();
    ConfigProposal proposal = new ConfigProposal();
    proposal.getMetadata().setName("batch-timeout");
    proposal.setSpec(new ConfigProposalSpec());
    proposal.getSpec().to = List.of("org2", "org3");
    proposal.getSpec().platform = Platform.Fabric;
    proposal.getSpec().title = "Lower the supplychain batch timeout";
    proposal.getSpec().fabric = new FabricConfigUpdate();
    proposal.getSpec().fabric.channelId = "supplychain";
    proposal.getSpec().fabric.configUpdateRef = new ConfigMapKeyRef("supplychain-update", "update.pb");
    proposal.getSpec().policy = new ProposalPolicy();
    proposal.getSpec().policy.rule = ProposalPolicy.Rule.MAJORITY;
    proposal.getSpec().signer = new ProposalSigner();
    proposal.getSpec().signer.mspId = "Org1MSP";
    proposal.getSpec().signer.secretName = "org1-admin";
    org1.client().resource(proposal).create();

    ConsortiumNode peer = new ConsortiumNode();
    peer.getMetadata().setName("peer0");
    peer.setSpec(new ConsortiumNodeSpec());
    peer.getSpec().type = NodeType.FabricPeer;
    peer.getSpec().advertise = true;
    peer.getSpec().mspId = "Org1MSP";
    peer.getSpec().endpoint = "peer0.org1.example.com:7051";
    org1.client().resource(peer).create();

    Shares.decide(org2, KeyShare.class, Shares.awaitIncoming(org2, KeyShare.class, "org1-admin-cert").getMetadata()
        .getName(), "Accept");
    Shares.decide(org3, KeyShare.class, Shares.awaitIncoming(org3, KeyShare.class, "org1-admin-cert").getMetadata()
        .getName(), "Reject");
    Shares.decide(org2, KeyShare.class, Shares.awaitIncoming(org2, KeyShare.class, "org1-tls-ca").getMetadata()
        .getName(), "Accept");
    Shares.decide(org2, NetworkShare.class, Shares.awaitIncoming(org2, NetworkShare.class, "org1-besu-net")
        .getMetadata().getName(), "Accept");
    Shares.awaitIncoming(org2, ChaincodeShare.class, "org1-basic");
    Org.await("org2 to compute the package ID", Pairings.WAIT, () -> {
      ChaincodeShare received = org2.client().resources(ChaincodeShare.class).withName("org1-basic").get();
      return received.getStatus() != null && received.getStatus().packageId != null;
    });
    Shares.decide(org2, ChaincodeShare.class, "org1-basic", "Accept");
    Shares.awaitIncoming(org2, ConfigProposal.class, "org1-batch-timeout");
    org2.client().resources(ConfigProposal.class).withName("org1-batch-timeout").patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"decision\":\"Approve\",\"signer\":{\"mspId\":\"Org2MSP\",\"secretName\":\"org2-admin\"}}}");
    Shares.awaitRecipient(org1, KeyShare.class, "admin-cert", "org2", SharePhase.Accepted);
    Shares.awaitRecipient(org1, KeyShare.class, "admin-cert", "org3", SharePhase.Rejected);
    Shares.awaitRecipient(org1, NetworkShare.class, "besu-net", "org2", SharePhase.Accepted);
    Shares.awaitRecipient(org1, ChaincodeShare.class, "basic", "org2", SharePhase.Accepted);
    Shares.awaitRecipient(org1, ConfigProposal.class, "batch-timeout", "org2", SharePhase.Accepted);
    Org.await("org2 to run the chaincode server", Pairings.WAIT,
        () -> org2.client().apps().deployments().withName("basic").get() != null);
    Org.await("org1's node to appear on org2", Pairings.WAIT,
        () -> org2.client().resources(ConsortiumNode.class).withName("org1-peer0").get() != null);

    org1.client().resources(KeyShare.class).withName("admin-cert")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"revoked\":true}}");
    Shares.awaitRecipient(org1, KeyShare.class, "admin-cert", "org2", SharePhase.Revoked);
    org1.client().resources(KeyShare.class).withName("tls-ca").delete();
    Org.await("the deleted share to go once org2 was told", Pairings.WAIT,
        () -> org1.client().resources(KeyShare.class).withName("tls-ca").get() == null);

    org1.client().secrets().withName("consortium-identity").edit(s -> {
      s.getMetadata().getAnnotations().put(IdentityStore.ROLL_KEY_ANNOTATION, "now");
      return s;
    });
    Org.await("org1's key rollover to be published", Pairings.WAIT, () -> {
      var published = org1.client().configMaps().withName(IdentityStore.INSTANCE_CONFIGMAP).get();
      return published.getData().get("keyRolloverTo") != null;
    });

    Pairings.setState(org1, "org3", PairingState.Revoked);
    Pairings.awaitPhase(org3, "org1", PairingPhase.PeerRevoked);
    org3.client().resources(io.consortium.operator.api.v1alpha1.PeerPairing.class).withName("org1").delete();
    Org.await("org3's pairing to go", Pairings.WAIT, () -> Pairings.pairing(org3, "org1") == null);
  }

  static void secret(Org org, String name, Map<String, String> text) {
    Map<String, String> data = text.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8))));
    org.client().secrets().resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(data)
        .build()).create();
  }

  static byte[] batchTimeout() {
    return ConfigUpdate.newBuilder().setChannelId("supplychain")
        .setReadSet(ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.getDefaultInstance()))
        .setWriteSet(ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.newBuilder()
            .putValues("BatchTimeout", ConfigValue.newBuilder().setVersion(1).setModPolicy("Admins")
                .setValue(BatchTimeout.newBuilder().setTimeout("500ms").build().toByteString()).build()).build()))
        .build().toByteArray();
  }

  static NodeIdentity besuNode() {
    try {
      return NodeIdentity.fromPublicKey(Numeric.toBytesPadded(Keys.createEcKeyPair().getPublicKey(), 64));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
