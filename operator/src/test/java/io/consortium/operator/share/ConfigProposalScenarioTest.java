package io.consortium.operator.share;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.ConfigProposalSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.BesuValidatorChange;
import io.consortium.operator.api.v1alpha1.spec.ConfigMapKeyRef;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.FabricConfigUpdate;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.ProposalPolicy;
import io.consortium.operator.api.v1alpha1.spec.ProposalSigner;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.consortium.operator.fabric.TestPki;
import io.consortium.operator.fabric.config.ConfigDocument;
import io.consortium.operator.fabric.config.SignatureCheck;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1 proposes a change of the supplychain channel to Org2 and Org3, each on its own cluster:
 * the approvers sign the exact bytes with their own admin keys, and only the signatures travel back.
 */
class ConfigProposalScenarioTest {

  static final String PROPOSAL = "batch-timeout";
  static final String INCOMING = "org1-batch-timeout";

  @TempDir Path workdir;
  Consortium consortium;
  Org org1;
  Org org2;
  Org org3;
  ByteString update;

  @BeforeEach
  void consortium() {
    consortium = Consortium.start(workdir);
    org1 = consortium.org1();
    org2 = consortium.org2();
    org3 = consortium.org3();
    // Each org's admin identity stays in its own cluster's Secret (WireTap checks no key leaves).
    adminSecret(org1, "org1-admin", "Admin@org1.example.com");
    adminSecret(org2, "org2-admin", "Admin@org2.example.com");
    adminSecret(org3, "org3-admin", "Admin@org3.example.com");
    update = batchTimeoutUpdate("1s");
    updateConfigMap(org1, "update.pb", update);
  }

  @AfterEach
  void stop() {
    consortium.close();
  }

  @Test
  void org2_signs_org3_rejects_and_org1_holds_a_majority_and_the_envelope_to_submit() throws Exception {
    propose(ProposalPolicy.Rule.MAJORITY, "org1-admin");

    ConfigProposal atOrg2 = awaitIncoming(org2);
    awaitIncoming(org3);
    assertThat(atOrg2.getSpec().fabric.configUpdateSha256).isEqualTo(sha256(update));
    assertThat(Base64.getDecoder().decode(atOrg2.getSpec().fabric.configUpdate)).isEqualTo(update.toByteArray());
    assertThat(atOrg2.getSpec().fabric.changes).as("read from the update, the proposer wrote none")
        .containsExactly("set value Orderer/BatchTimeout at version 1: {timeout=1s}");
    assertThat(atOrg2.getSpec().signer).as("the approver names its own signer").isNull();
    awaitRecipient(org1, "org2", SharePhase.Delivered);
    awaitRecipient(org1, "org3", SharePhase.Delivered);

    patch(org2, INCOMING, "{\"spec\":{\"decision\":\"Approve\",\"signer\":{\"mspId\":\"Org2MSP\",\"secretName\":\"org2-admin\"}}}");
    patch(org3, INCOMING, "{\"spec\":{\"decision\":\"Reject\"}}");

    awaitRecipient(org1, "org2", SharePhase.Accepted);
    awaitRecipient(org1, "org3", SharePhase.Rejected);
    Org.await("org1 to count org2's signature and its own", Pairings.WAIT,
        () -> Boolean.TRUE.equals(outgoing(org1).getStatus().policySatisfied));
    ConfigProposal atOrg1 = outgoing(org1);
    assertThat(atOrg1.getStatus().approvals).isEqualTo(2);
    assertThat(atOrg1.getStatus().approvalsNeeded).isEqualTo(2);
    assertThat(atOrg1.getStatus().policySummary).isEqualTo("2/3 (MAJORITY needs 2), met");
    assertThat(atOrg1.getStatus().submittedAt).as("no orderer is reachable: nothing is submitted").isNull();
    RecipientStatus org2Entry = recipient(org1, "org2").orElseThrow();
    assertThat(org2Entry.reason).isEqualTo("SignatureVerified");
    assertThat(org2Entry.result.signer).isEqualTo("Org2MSP O=Test, CN=Admin@org2.example.com");
    assertThat(condition(atOrg1, "EnvelopeReady").message).contains(atOrg1.getStatus().envelopeConfigMap)
        .contains("peer channel update -c supplychain");

    ConfigMap envelope = org1.client().configMaps().withName(atOrg1.getStatus().envelopeConfigMap).get();
    ConfigDocument document = ConfigDocument.parse(Base64.getDecoder().decode(envelope.getBinaryData().get("envelope.pb")));
    assertThat(document.kind()).isEqualTo(ConfigDocument.Kind.ENVELOPE);
    assertThat(document.channelId()).isEqualTo("supplychain");
    ConfigUpdateEnvelope signed = document.updateEnvelope();
    assertThat(signed.getConfigUpdate()).as("the exact bytes everyone signed").isEqualTo(update);
    assertThat(signed.getSignaturesList()).extracting(s -> SignatureCheck.signed(s, update))
        .allMatch(SignatureCheck::valid).extracting(SignatureCheck::mspId).containsExactly("Org1MSP", "Org2MSP");
    ConfigProposal decided = org2.client().resources(ConfigProposal.class).withName(INCOMING).get();
    assertThat(decided.getStatus().decisionResult.type).isEqualTo("FabricConfigSignature");
  }

  @Test
  void an_approval_without_a_signer_is_held_until_org2_names_one() {
    propose(ProposalPolicy.Rule.ANY, null);
    awaitIncoming(org2);

    patch(org2, INCOMING, "{\"spec\":{\"decision\":\"Approve\"}}");

    Org.await("org2's approval to be held for a signer", Pairings.WAIT, () -> held(org2));
    ConfigProposal atOrg2 = org2.client().resources(ConfigProposal.class).withName(INCOMING).get();
    assertThat(atOrg2.getStatus().phase).isEqualTo(SharePhase.Pending);
    assertThat(condition(atOrg2, "DecisionAttached").message).contains("set spec.signer");
    Org.await("the SignerMissing Event", Pairings.WAIT, () -> org2.client().v1().events().list().getItems().stream()
        .anyMatch(e -> "SignerMissing".equals(e.getReason())));
    assertThat(recipient(org1, "org2").orElseThrow().phase).isEqualTo(SharePhase.Delivered);

    patch(org2, INCOMING, "{\"spec\":{\"signer\":{\"mspId\":\"Org2MSP\",\"secretName\":\"org2-admin\"}}}");

    awaitRecipient(org1, "org2", SharePhase.Accepted);
    Org.await("org1 to count org2's signature", Pairings.WAIT,
        () -> "1/3 (ANY needs 1), met".equals(outgoing(org1).getStatus().policySummary));
    assertThat(outgoing(org1).getStatus().originSignature).as("org1 named no signer: it did not sign").isNull();
  }

  @Test
  void a_signer_secret_that_appears_later_lets_the_held_approval_go_without_touching_the_proposal() {
    propose(ProposalPolicy.Rule.ANY, null);
    awaitIncoming(org2);

    patch(org2, INCOMING, "{\"spec\":{\"decision\":\"Approve\",\"signer\":{\"mspId\":\"Org2MSP\",\"secretName\":\"org2-signer\"}}}");

    Org.await("org2's approval to be held for the missing Secret", Pairings.WAIT, () -> Optional.ofNullable(
        org2.client().resources(ConfigProposal.class).withName(INCOMING).get().getStatus())
        .map(s -> s.conditions.stream().anyMatch(c -> "DecisionAttached".equals(c.type) && "SourceNotFound".equals(c.reason)
            && c.message.contains("Secret org2-signer"))).orElse(false));

    adminSecret(org2, "org2-signer", "Admin@org2.example.com");

    awaitRecipient(org1, "org2", SharePhase.Accepted);
    assertThat(recipient(org1, "org2").orElseThrow().reason).isEqualTo("SignatureVerified");
  }

  @Test
  void org3s_accept_policy_approves_but_waits_for_a_signer_before_anything_is_signed() {
    org3.client().resources(PeerPairing.class).withName("org1").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"acceptPolicy\":{\"ConfigProposal\":\"Auto\"}}}");
    propose(ProposalPolicy.Rule.ALL, "org1-admin");

    Org.await("org3's automatic approval to be held for a signer", Pairings.WAIT, () -> held(org3));
    assertThat(org3.client().resources(ConfigProposal.class).withName(INCOMING).get().getStatus().decidedBy).isNull();

    patch(org3, INCOMING, "{\"spec\":{\"signer\":{\"mspId\":\"Org3MSP\",\"secretName\":\"org3-admin\"}}}");

    awaitRecipient(org1, "org3", SharePhase.Accepted);
    assertThat(org3.client().resources(ConfigProposal.class).withName(INCOMING).get().getStatus().decidedBy)
        .isEqualTo("org3 (acceptPolicy of pairing org1)");
    Org.await("org1 to count org3", Pairings.WAIT, () -> outgoing(org1).getStatus().approvals == 2);
    assertThat(outgoing(org1).getStatus().policySummary).as("org2 has not decided").isEqualTo("2/3 (ALL needs 3)");
    assertThat(outgoing(org1).getStatus().envelopeConfigMap).isNull();
  }

  @Test
  void a_new_revision_withdraws_the_approvals_and_the_envelope_until_org2_signs_the_new_bytes() throws Exception {
    propose(ProposalPolicy.Rule.MAJORITY, "org1-admin");
    awaitIncoming(org2);
    patch(org2, INCOMING, "{\"spec\":{\"decision\":\"Approve\",\"signer\":{\"mspId\":\"Org2MSP\",\"secretName\":\"org2-admin\"}}}");
    Org.await("the majority", Pairings.WAIT, () -> outgoing(org1).getStatus() != null
        && Boolean.TRUE.equals(outgoing(org1).getStatus().policySatisfied));
    String envelopeName = outgoing(org1).getStatus().envelopeConfigMap;
    ByteString revised = batchTimeoutUpdate("500ms");
    updateConfigMap(org1, "update-2.pb", revised);

    patch(org1, PROPOSAL, "{\"spec\":{\"fabric\":{\"configUpdateRef\":{\"key\":\"update-2.pb\"}}}}");

    Org.await("org2's copy to hold revision 2, undecided", Pairings.WAIT, () -> {
      ConfigProposal copy = org2.client().resources(ConfigProposal.class).withName(INCOMING).get();
      return copy.getSpec().from.revision == 2 && copy.getSpec().decision == null && copy.getStatus() != null
          && copy.getStatus().phase == SharePhase.Pending && sha256(revised).equals(copy.getSpec().fabric.configUpdateSha256);
    });
    Org.await("org1 to withdraw org2's approval", Pairings.WAIT,
        () -> "1/3 (MAJORITY needs 2)".equals(outgoing(org1).getStatus().policySummary));
    assertThat(recipient(org1, "org2").orElseThrow().result).as("the old signature is gone").isNull();
    assertThat(org1.client().configMaps().withName(envelopeName).get()).as("no envelope of stale signatures").isNull();
    assertThat(condition(outgoing(org1), "EnvelopeReady").reason).isEqualTo("PolicyNotMet");

    patch(org2, INCOMING, "{\"spec\":{\"decision\":\"Approve\"}}");

    Org.await("the majority over the new bytes", Pairings.WAIT,
        () -> Boolean.TRUE.equals(outgoing(org1).getStatus().policySatisfied));
    ConfigMap envelope = org1.client().configMaps().withName(envelopeName).get();
    ConfigUpdateEnvelope signed = ConfigUpdateEnvelope.parseFrom(
        Base64.getDecoder().decode(envelope.getBinaryData().get("update-envelope.pb")));
    assertThat(signed.getConfigUpdate()).isEqualTo(revised);
    assertThat(signed.getSignaturesList()).hasSize(2).allMatch(s -> SignatureCheck.signed(s, revised).valid());
  }

  @Test
  void a_proposal_whose_update_is_missing_unreadable_or_of_another_channel_is_refused_and_nothing_is_sent() {
    updateConfigMap(org1, "notes.txt", ByteString.copyFromUtf8("lower the batch timeout, please"));
    refuse("missing", new ConfigMapKeyRef("no-such-update", "update.pb"), "supplychain", "SourceNotFound",
        "ConfigMap no-such-update");
    refuse("unreadable", new ConfigMapKeyRef("supplychain-update", "notes.txt"), "supplychain", "SourceInvalid",
        "is not a Fabric config update");
    refuse("elsewhere", new ConfigMapKeyRef("supplychain-update", "update.pb"), "otherchannel", "ChannelMismatch",
        "is an update of channel 'supplychain' but spec.fabric.channelId is 'otherchannel'");

    Org.await("an Event for each refusal", Pairings.WAIT, () -> org1.client().v1().events().list().getItems().stream()
        .map(e -> e.getReason()).toList().containsAll(List.of("SourceNotFound", "SourceInvalid", "ChannelMismatch")));
    assertThat(org2.client().resources(ConfigProposal.class).list().getItems()).isEmpty();
  }

  private void refuse(String name, ConfigMapKeyRef ref, String channel, String reason, String message) {
    ConfigProposal proposal = proposal(ProposalPolicy.Rule.MAJORITY, null);
    proposal.getMetadata().setName(name);
    proposal.getSpec().fabric.configUpdateRef = ref;
    proposal.getSpec().fabric.channelId = channel;
    org1.client().resource(proposal).create();
    Org.await("org1 to refuse " + name + " with " + reason, Pairings.WAIT, () -> Optional.ofNullable(
        org1.client().resources(ConfigProposal.class).withName(name).get().getStatus())
        .map(s -> s.conditions.stream().anyMatch(c -> reason.equals(c.reason) && c.message.contains(message)))
        .orElse(false));
  }

  @Test
  void bytes_overwritten_in_org1s_configmap_hold_org2s_approval_until_the_bytes_it_signed_are_back() throws Exception {
    propose(ProposalPolicy.Rule.ANY, null);
    awaitIncoming(org2);
    awaitRecipient(org1, "org2", SharePhase.Delivered);

    // Someone overwrites the update in place instead of pointing the proposal at a new key; org2 approves
    // the bytes it was sent. Its decision brings org1 to read the ConfigMap again.
    updateConfigMap(org1, "update.pb", batchTimeoutUpdate("3s"));
    patch(org2, INCOMING, "{\"spec\":{\"decision\":\"Approve\",\"signer\":{\"mspId\":\"Org2MSP\",\"secretName\":\"org2-admin\"}}}");

    Org.await("org1 to refuse the overwritten bytes", Pairings.WAIT, () -> outgoing(org1).getStatus().conditions.stream()
        .anyMatch(c -> Conditions.READY.equals(c.type) && "ConfigUpdateChanged".equals(c.reason)
            && c.message.contains("put the new update under a new key")));
    assertThat(recipient(org1, "org2").orElseThrow().phase).as("org2's approval is not counted").isEqualTo(SharePhase.Delivered);
    assertThat(outgoing(org1).getStatus().envelopeConfigMap).isNull();

    // Org1 looks at a source it could not use again until it can.
    updateConfigMap(org1, "update.pb", update);

    awaitRecipient(org1, "org2", SharePhase.Accepted);
    assertThat(recipient(org1, "org2").orElseThrow().reason).isEqualTo("SignatureVerified");
    ConfigMap envelope = org1.client().configMaps().withName(outgoing(org1).getStatus().envelopeConfigMap).get();
    ConfigUpdateEnvelope signed = ConfigUpdateEnvelope.parseFrom(
        Base64.getDecoder().decode(envelope.getBinaryData().get("update-envelope.pb")));
    assertThat(signed.getConfigUpdate()).isEqualTo(update);
    assertThat(signed.getSignaturesList()).hasSize(1).allMatch(sig -> SignatureCheck.signed(sig, update).valid());
  }

  @Test
  void a_besu_validator_change_counts_approvals_without_signatures() {
    org1.client().resource(besuProposal()).create();
    Org.await("org2's copy", Pairings.WAIT,
        () -> org2.client().resources(ConfigProposal.class).withName("org1-add-validator").get() != null);

    patch(org2, "org1-add-validator", "{\"spec\":{\"decision\":\"Approve\"}}");

    Org.await("org1 to count org2 and itself", Pairings.WAIT, () -> Optional.ofNullable(org1.client()
        .resources(ConfigProposal.class).withName("add-validator").get().getStatus())
        .map(s -> "2/3 (MAJORITY needs 2), met".equals(s.policySummary)).orElse(false));
    ConfigProposal atOrg2 = org2.client().resources(ConfigProposal.class).withName("org1-add-validator").get();
    assertThat(atOrg2.getSpec().besu.address).isEqualTo("0x" + "3c".repeat(20));
    assertThat(atOrg2.getStatus().decisionResult).as("each org votes on its own node: nothing travels back").isNull();
    assertThat(org1.client().configMaps().withName("add-validator-signed-update").get()).isNull();
  }

  @Test
  void org2_approves_a_besu_change_by_voting_on_its_own_validator_held_while_the_node_refuses() throws Exception {
    try (QbftNode node = new QbftNode()) {
      ConfigProposal proposal = besuProposal();
      org1.client().resource(proposal).create();
      Org.await("org2's copy", Pairings.WAIT,
          () -> org2.client().resources(ConfigProposal.class).withName("org1-add-validator").get() != null);

      patch(org2, "org1-add-validator", "{\"spec\":{\"decision\":\"Approve\",\"validatorRpcUrl\":\"" + node.url() + "\"}}");

      Org.await("org2's approval to be held while its node refuses the vote", Pairings.WAIT, () -> Optional.ofNullable(
          org2.client().resources(ConfigProposal.class).withName("org1-add-validator").get().getStatus())
          .map(s -> s.conditions.stream().anyMatch(c -> "DecisionAttached".equals(c.type) && "VoteFailed".equals(c.reason)
              && c.message.contains("--rpc-http-api"))).orElse(false));
      assertThat(recipient(org1, "add-validator", "org2").orElseThrow().phase).isEqualTo(SharePhase.Delivered);

      node.qbftEnabled = true;

      Org.await("org1 to count org2's vote", Pairings.WAIT, () -> recipient(org1, "add-validator", "org2")
          .map(r -> "VoteCast".equals(r.reason)).orElse(false));
      assertThat(node.votes).containsExactly("0x" + "3c".repeat(20) + "=true");
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static ConfigProposal besuProposal() {
    ConfigProposal proposal = new ConfigProposal();
    proposal.getMetadata().setName("add-validator");
    proposal.setSpec(new ConfigProposalSpec());
    proposal.getSpec().to = List.of("org2", "org3");
    proposal.getSpec().platform = Platform.Besu;
    proposal.getSpec().title = "Add org3's validator";
    proposal.getSpec().besu = new BesuValidatorChange();
    proposal.getSpec().besu.action = BesuValidatorChange.Action.Add;
    proposal.getSpec().besu.address = "0x" + "3c".repeat(20);
    return proposal;
  }

  /**
   * Org2's own Besu validator on loopback, answering qbft_proposeValidatorVote as Besu does, or
   * with -32604 "Method not enabled" while QBFT is not in its --rpc-http-api.
   */
  static final class QbftNode implements AutoCloseable {
    final HttpServer server;
    final List<String> votes = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean qbftEnabled;

    QbftNode() throws java.io.IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        JsonNode request = ProtocolJson.MAPPER.readTree(exchange.getRequestBody());
        String body;
        if (!qbftEnabled) {
          body = "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"error\":{\"code\":-32604,\"message\":\"Method not enabled\"}}";
        } else {
          votes.add(request.path("params").get(0).asText() + "=" + request.path("params").get(1).asBoolean());
          body = "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":true}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private void propose(ProposalPolicy.Rule rule, String signerSecret) {
    org1.client().resource(proposal(rule, signerSecret)).create();
  }

  private static ConfigProposal proposal(ProposalPolicy.Rule rule, String signerSecret) {
    ConfigProposal proposal = new ConfigProposal();
    proposal.getMetadata().setName(PROPOSAL);
    ConfigProposalSpec spec = new ConfigProposalSpec();
    spec.to = List.of("org2", "org3");
    spec.platform = Platform.Fabric;
    spec.title = "Lower the supplychain batch timeout";
    spec.fabric = new FabricConfigUpdate();
    spec.fabric.channelId = "supplychain";
    spec.fabric.configUpdateRef = new ConfigMapKeyRef("supplychain-update", "update.pb");
    spec.policy = new ProposalPolicy();
    spec.policy.rule = rule;
    if (signerSecret != null) {
      spec.signer = new ProposalSigner();
      spec.signer.mspId = "Org1MSP";
      spec.signer.secretName = signerSecret;
    }
    proposal.setSpec(spec);
    return proposal;
  }

  /** What {@code configtxlator compute_update} writes for a batch timeout change of the channel. */
  private static ByteString batchTimeoutUpdate(String timeout) {
    return ConfigUpdate.newBuilder().setChannelId("supplychain")
        .setReadSet(ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.getDefaultInstance()))
        .setWriteSet(ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.newBuilder()
            .putValues("BatchTimeout", ConfigValue.newBuilder().setVersion(1).setModPolicy("Admins")
                .setValue(BatchTimeout.newBuilder().setTimeout(timeout).build().toByteString()).build()).build()))
        .build().toByteString();
  }

  private static void updateConfigMap(Org org, String key, ByteString bytes) {
    ConfigMap existing = org.client().configMaps().withName("supplychain-update").get();
    if (existing == null) {
      org.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("supplychain-update")
          .endMetadata().withBinaryData(Map.of(key, Base64.getEncoder().encodeToString(bytes.toByteArray()))).build())
          .create();
    } else {
      org.client().configMaps().withName("supplychain-update").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"binaryData\":{\"" + key + "\":\"" + Base64.getEncoder().encodeToString(bytes.toByteArray()) + "\"}}");
    }
  }

  private static void adminSecret(Org org, String name, String commonName) {
    TestPki admin = TestPki.selfSignedCa(commonName);
    org.client().secrets().resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(Map.of("cert.pem", b64(admin.certificatePem()), "key.pem", b64(admin.privateKeyPem()))).build()).create();
  }

  private static boolean held(Org org) {
    ConfigProposal copy = org.client().resources(ConfigProposal.class).withName(INCOMING).get();
    return copy != null && copy.getStatus() != null && copy.getStatus().conditions.stream()
        .anyMatch(c -> "DecisionAttached".equals(c.type) && "False".equals(c.status.name()) && "SignerMissing".equals(c.reason));
  }

  private static void patch(Org org, String name, String mergePatch) {
    org.client().resources(ConfigProposal.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private static ConfigProposal outgoing(Org org) {
    return org.client().resources(ConfigProposal.class).withName(PROPOSAL).get();
  }

  private static ConfigProposal awaitIncoming(Org org) {
    Org.await(INCOMING + " on " + org.name(), Pairings.WAIT,
        () -> org.client().resources(ConfigProposal.class).withName(INCOMING).get() != null);
    return org.client().resources(ConfigProposal.class).withName(INCOMING).get();
  }

  private static Condition condition(ConfigProposal proposal, String type) {
    return proposal.getStatus().conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElseThrow();
  }

  private static Optional<RecipientStatus> recipient(Org org, String pairing) {
    return recipient(org, PROPOSAL, pairing);
  }

  private static Optional<RecipientStatus> recipient(Org org, String name, String pairing) {
    ConfigProposal proposal = org.client().resources(ConfigProposal.class).withName(name).get();
    return proposal == null || proposal.getStatus() == null ? Optional.empty()
        : proposal.getStatus().recipients.stream().filter(r -> pairing.equals(r.pairing)).findFirst();
  }

  private static void awaitRecipient(Org org, String pairing, SharePhase phase) {
    Org.await(pairing + " to be " + phase + " on " + org.name(), Pairings.WAIT,
        () -> recipient(org, pairing).map(r -> r.phase == phase).orElse(false));
  }

  private static String sha256(ByteString bytes) {
    return Sha256.hex(bytes.toByteArray());
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
