package io.consortium.operator.share.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.ConfigProposalSpec;
import io.consortium.operator.api.v1alpha1.ConfigProposalStatus;
import io.consortium.operator.api.v1alpha1.spec.BesuValidatorChange;
import io.consortium.operator.api.v1alpha1.spec.DecisionResult;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.ProposalDecision;
import io.consortium.operator.api.v1alpha1.spec.ProposalPolicy;
import io.consortium.operator.api.v1alpha1.spec.ProposalPolicy.Rule;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.fabric.TestPki;
import io.consortium.operator.fabric.config.ConfigChanges;
import io.consortium.operator.fabric.config.MspSigner;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import io.consortium.operator.fabric.config.ConfigEdits;
import io.consortium.operator.fabric.config.ConfigUpdates;
import io.consortium.operator.fabric.config.OrgDefinition;
import java.security.cert.X509Certificate;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.ConfigSignature;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.junit.jupiter.api.Test;

/** The parts of a ConfigProposal that need no cluster: what travels, and how approvals are counted. */
class ConfigProposalKindTest {

  static final MspSigner ORG1 = admin("Org1MSP", "Admin@org1.example.com");
  static final MspSigner ORG2 = admin("Org2MSP", "Admin@org2.example.com");
  static final MspSigner ORG3 = admin("Org3MSP", "Admin@org3.example.com");
  static final ByteString UPDATE = batchTimeoutUpdate("supplychain", "1s").toByteString();

  final ConfigProposalKind kind = new ConfigProposalKind(null);

  @Test
  void a_fabric_proposal_arrives_as_it_was_sent_bytes_and_all() throws Exception {
    JsonNode sent = fabricPayload(UPDATE, Sha256.hex(UPDATE.toByteArray()));
    ConfigProposalSpec received = new ConfigProposalSpec();

    kind.receive(received, sent);

    assertThat(kind.payloadOf(received)).isEqualTo(sent);
    assertThat(received.fabric.configUpdateSha256).isEqualTo(Sha256.hex(UPDATE.toByteArray()));
    assertThat(Base64.getDecoder().decode(received.fabric.configUpdate)).isEqualTo(UPDATE.toByteArray());
    assertThat(received.policy.rule).isEqualTo(Rule.MAJORITY);
  }

  @Test
  void a_new_revision_keeps_the_local_signer_but_not_the_decision() throws Exception {
    ConfigProposalSpec received = new ConfigProposalSpec();
    kind.receive(received, fabricPayload(UPDATE, Sha256.hex(UPDATE.toByteArray())));
    received.signer = new io.consortium.operator.api.v1alpha1.spec.ProposalSigner();
    received.signer.mspId = "Org2MSP";
    received.decision = ProposalDecision.Approve;
    ByteString other = batchTimeoutUpdate("supplychain", "500ms").toByteString();

    kind.receive(received, fabricPayload(other, Sha256.hex(other.toByteArray())));
    kind.withdrawDecision(received);

    assertThat(received.signer.mspId).isEqualTo("Org2MSP");
    assertThat(received.decision).isNull();
    assertThat(Base64.getDecoder().decode(received.fabric.configUpdate)).isEqualTo(other.toByteArray());
  }

  @Test
  void a_besu_proposal_round_trips_its_validator_change() throws Exception {
    ConfigProposalKind.Payload besu = new ConfigProposalKind.Payload(Platform.Besu, "Add org3's validator", null, null, null,
        new ConfigProposalKind.BesuPayload(BesuValidatorChange.Action.Add, "0x" + "ab".repeat(20)));
    JsonNode sent = ProtocolJson.MAPPER.valueToTree(besu);
    ConfigProposalSpec received = new ConfigProposalSpec();

    kind.receive(received, sent);

    assertThat(kind.payloadOf(received)).isEqualTo(sent);
    assertThat(received.besu.action).isEqualTo(BesuValidatorChange.Action.Add);
    assertThat(received.fabric).isNull();
  }

  @Test
  void bytes_that_do_not_match_their_sha256_are_refused_on_arrival() {
    JsonNode tampered = fabricPayload(batchTimeoutUpdate("supplychain", "10s").toByteString(),
        Sha256.hex(UPDATE.toByteArray()));

    assertThatThrownBy(() -> kind.receive(new ConfigProposalSpec(), tampered))
        .isInstanceOf(InvalidShareSource.class).hasMessageContaining("the sender claimed")
        .extracting(e -> ((InvalidShareSource) e).reason()).isEqualTo("PayloadMismatch");
  }

  @Test
  void an_update_for_another_channel_than_it_claims_is_refused() {
    ConfigProposalKind.Payload lying = new ConfigProposalKind.Payload(Platform.Fabric, "t", null, null,
        new ConfigProposalKind.FabricPayload("otherchannel", Base64.getEncoder().encodeToString(UPDATE.toByteArray()),
            Sha256.hex(UPDATE.toByteArray()), List.of()), null);

    assertThatThrownBy(() -> kind.receive(new ConfigProposalSpec(), ProtocolJson.MAPPER.valueToTree(lying)))
        .isInstanceOf(InvalidShareSource.class).hasMessageContaining("otherchannel").hasMessageContaining("supplychain")
        .extracting(e -> ((InvalidShareSource) e).reason()).isEqualTo("PayloadMismatch");
  }

  @Test
  void the_status_shows_what_the_bytes_change_not_what_the_origin_says_they_change() throws Exception {
    ConfigProposalKind.Payload understated = new ConfigProposalKind.Payload(Platform.Fabric, "a harmless tweak", null,
        null, new ConfigProposalKind.FabricPayload("supplychain", Base64.getEncoder().encodeToString(UPDATE.toByteArray()),
            Sha256.hex(UPDATE.toByteArray()), List.of("nothing of note")), null);
    ConfigProposalSpec received = new ConfigProposalSpec();
    kind.receive(received, ProtocolJson.MAPPER.valueToTree(understated));
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.direction = io.consortium.operator.api.v1alpha1.spec.Direction.Incoming;

    kind.describe(status, kind.payloadOf(received));

    assertThat(received.fabric.changes).as("the origin's words are kept as they came").containsExactly("nothing of note");
    assertThat(status.changes).as("what the bytes say").isEqualTo(ConfigChanges.ofUpdate(ConfigUpdate.parseFrom(UPDATE)))
        .noneMatch(line -> line.contains("nothing of note"));
    assertThat(status.channelId).isEqualTo("supplychain");
    assertThat(status.configUpdateSha256).isEqualTo(Sha256.hex(UPDATE.toByteArray()));
  }

  @Test
  void approving_a_fabric_proposal_without_a_signer_is_held_with_a_reason() throws Exception {
    ConfigProposal incoming = new ConfigProposal();
    incoming.setSpec(new ConfigProposalSpec());
    kind.receive(incoming.getSpec(), fabricPayload(UPDATE, Sha256.hex(UPDATE.toByteArray())));
    kind.acceptAutomatically(incoming.getSpec());

    assertThat(incoming.getSpec().decision).isEqualTo(ProposalDecision.Approve);
    assertThatThrownBy(() -> kind.attachment(incoming, true)).isInstanceOf(InvalidShareSource.class)
        .hasMessageContaining("set spec.signer").extracting(e -> ((InvalidShareSource) e).reason())
        .isEqualTo("SignerMissing");
    assertThat(kind.attachment(incoming, false)).as("a rejection carries nothing").isEmpty();
  }

  @Test
  void majority_is_half_the_members_plus_one_and_the_members_are_the_recipients_and_the_origin() {
    assertThat(ConfigProposalKind.needed(Rule.MAJORITY, null, 3)).isEqualTo(2);
    assertThat(ConfigProposalKind.needed(Rule.MAJORITY, null, 4)).isEqualTo(3);
    assertThat(ConfigProposalKind.needed(Rule.MAJORITY, null, 5)).isEqualTo(3);
    assertThat(ConfigProposalKind.needed(Rule.ANY, null, 5)).isEqualTo(1);
    assertThat(ConfigProposalKind.needed(Rule.ALL, null, 5)).isEqualTo(5);
    assertThat(ConfigProposalKind.needed(Rule.NOutOf, 2, 5)).isEqualTo(2);
    assertThat(ConfigProposalKind.needed(Rule.NOutOf, 7, 5)).as("kept, so that it shows it cannot be met").isEqualTo(7);
  }

  @Test
  void org1_signed_org2_signed_org3_rejected_meets_a_majority_of_three() {
    ConfigProposalSpec spec = outgoing(Rule.MAJORITY, "org2", "org3");
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.originSignature = signature(ORG1, UPDATE);
    status.recipients.add(approved("org2", signature(ORG2, UPDATE)));
    status.recipients.add(new RecipientStatus("org3", SharePhase.Rejected));

    ConfigProposalKind.Tally tally = ConfigProposalKind.count(spec, status, UPDATE, null);

    assertThat(tally.approvals()).isEqualTo(2);
    assertThat(tally.needed()).isEqualTo(2);
    assertThat(tally.satisfied()).isTrue();
    assertThat(tally.summary()).isEqualTo("2/3 (MAJORITY needs 2), met");
    assertThat(tally.signatures()).hasSize(2);
    assertThat(tally.approvers()).containsExactly("Org1MSP (the proposing organization)", "Org2MSP (org2)");
    assertThat(status.recipients.get(0).reason).isEqualTo(ConfigProposalKind.SIGNATURE_VERIFIED);
  }

  @Test
  void without_its_own_signer_the_origin_does_not_count() {
    ConfigProposalSpec spec = outgoing(Rule.MAJORITY, "org2", "org3");
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.recipients.add(approved("org2", signature(ORG2, UPDATE)));
    status.recipients.add(new RecipientStatus("org3", SharePhase.Delivered));

    ConfigProposalKind.Tally tally = ConfigProposalKind.count(spec, status, UPDATE, null);

    assertThat(tally.summary()).isEqualTo("1/3 (MAJORITY needs 2)");
    assertThat(tally.possible()).as("org3 has not decided yet").isTrue();
  }

  @Test
  void a_signature_whose_header_names_another_certificate_is_not_counted() {
    ConfigSignature byOrg3 = ORG3.signConfigUpdate(UPDATE);
    // Org3's signature presented under Org2's identity: the header names Org2's certificate.
    ByteString org2Header = ORG2.newSignatureHeader().toByteString();
    ConfigSignature forged = ConfigSignature.newBuilder().setSignatureHeader(org2Header)
        .setSignature(ByteString.copyFrom(ORG3.sign(org2Header.concat(UPDATE).toByteArray()))).build();
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.recipients.add(approved("org2", result(forged)));
    status.recipients.add(approved("org3", result(byOrg3)));

    ConfigProposalKind.Tally tally = ConfigProposalKind.count(outgoing(Rule.ANY, "org2", "org3"), status, UPDATE, null);

    assertThat(tally.approvals()).isEqualTo(1);
    assertThat(tally.approvers()).containsExactly("Org3MSP (org3)");
    assertThat(status.recipients.get(0).reason).isEqualTo(ConfigProposalKind.SIGNATURE_INVALID);
    assertThat(status.recipients.get(0).message).startsWith("not counted: Org2MSP")
        .contains("does not match the signature header and config update bytes");
  }

  @Test
  void a_signature_over_other_bytes_a_high_s_signature_and_garbage_are_not_counted() {
    ConfigSignature overOtherBytes = ORG2.signConfigUpdate(batchTimeoutUpdate("supplychain", "9s").toByteString());
    ConfigSignature highS = highS(ORG3.signConfigUpdate(UPDATE));
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.recipients.add(approved("org2", result(overOtherBytes)));
    status.recipients.add(approved("org3", result(highS)));
    DecisionResult garbage = new DecisionResult();
    garbage.type = ConfigProposalKind.FABRIC_SIGNATURE;
    garbage.data = Base64.getEncoder().encodeToString("not a signature".getBytes(StandardCharsets.UTF_8));
    status.recipients.add(approved("org4", garbage));

    ConfigProposalKind.Tally tally = ConfigProposalKind.count(outgoing(Rule.ANY, "org2", "org3", "org4"), status,
        UPDATE, null);

    assertThat(tally.approvals()).isZero();
    assertThat(status.recipients).allMatch(r -> ConfigProposalKind.SIGNATURE_INVALID.equals(r.reason));
    assertThat(status.recipients.get(0).message).contains("does not match");
    assertThat(status.recipients.get(1).message).contains("high S");
    assertThat(status.recipients.get(2).message).contains("not a ConfigSignature");
  }

  @Test
  void an_approval_without_a_signature_and_a_second_signature_of_one_msp_are_not_counted() {
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.originSignature = signature(ORG1, UPDATE);
    status.recipients.add(approved("org2", null));
    status.recipients.add(approved("org1-bis", signature(admin("Org1MSP", "Admin2@org1.example.com"), UPDATE)));

    ConfigProposalKind.Tally tally = ConfigProposalKind.count(outgoing(Rule.ALL, "org2", "org1-bis"), status, UPDATE, null);

    assertThat(tally.approvals()).isEqualTo(1);
    assertThat(status.recipients.get(0).reason).isEqualTo(ConfigProposalKind.SIGNATURE_MISSING);
    assertThat(status.recipients.get(1).reason).isEqualTo(ConfigProposalKind.DUPLICATE_SIGNER);
    assertThat(status.recipients.get(1).message).contains("Org1MSP already approved through the proposing organization");
    assertThat(tally.summary()).isEqualTo("1/3 (ALL needs 3), cannot be met");
  }

  @Test
  void a_besu_proposal_counts_the_proposer_and_every_approval() {
    ConfigProposalSpec spec = outgoing(Rule.NOutOf, "org2", "org3");
    spec.platform = Platform.Besu;
    spec.policy.n = 3;
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.recipients.add(approved("org2", null));
    status.recipients.add(new RecipientStatus("org3", SharePhase.Rejected));

    ConfigProposalKind.Tally tally = ConfigProposalKind.count(spec, status, null, null);

    assertThat(tally.summary()).isEqualTo("2/3 (NOutOf needs 3), cannot be met");
  }

  @Test
  void the_change_list_is_read_from_the_update_alone_when_the_proposer_wrote_none() throws Exception {
    List<String> changes = ConfigChanges.ofUpdate(ConfigUpdate.parseFrom(UPDATE));

    assertThat(changes).containsExactly("set value Orderer/BatchTimeout at version 1: {timeout=1s}");
  }

  @Test
  void with_the_channel_config_only_admins_of_its_msps_count_and_the_orderers_verdict_is_shown() {
    ChannelOrg org1 = new ChannelOrg("Org1MSP");
    ChannelOrg org2 = new ChannelOrg("Org2MSP");
    ChannelOrg org3 = new ChannelOrg("Org3MSP");
    Config current = channel(org1, org2, org3);
    ByteString update = ConfigUpdates.compute(current, ConfigEdits.setPolicy(current, "Application", "Readers",
        majorityOfReaders(), "Admins"), "supplychain").toByteString();
    ConfigProposalSpec spec = outgoing(Rule.MAJORITY, "org2", "org3");
    ConfigProposalStatus status = new ConfigProposalStatus();
    status.originSignature = signature(org1.admin, update);
    status.recipients.add(approved("org2", signature(org2.admin, update)));
    // A well-formed signature under Org3MSP's name by a certificate another CA issued.
    TestPki impostor = TestPki.selfSignedCa("ca.elsewhere").issueServerCertificate("admin.org3msp");
    status.recipients.add(approved("org3", signature(new MspSigner("Org3MSP",
        impostor.certificatePem().getBytes(StandardCharsets.UTF_8),
        impostor.privateKeyPem().getBytes(StandardCharsets.UTF_8)), update)));

    ConfigProposalKind.Tally tally = ConfigProposalKind.count(spec, status, update, null,
        io.consortium.operator.fabric.config.ChannelMsps.of(current));

    assertThat(tally.approvers()).containsExactly("Org1MSP (the proposing organization)", "Org2MSP (org2)");
    assertThat(status.recipients.get(1).reason).isEqualTo(ConfigProposalKind.SIGNATURE_INVALID);
    assertThat(status.recipients.get(1).message).startsWith("not counted: Org3MSP").contains("INVALID");
    ConfigProposalKind.ChannelPolicy withBoth = ConfigProposalKind.channelPolicy(current, "supplychain", update,
        tally.signatures());
    assertThat(withBoth.satisfied()).isTrue();
    assertThat(withBoth.message()).contains("Application/Readers: /Channel/Application/Admins satisfied");
    ConfigProposalKind.ChannelPolicy withOne = ConfigProposalKind.channelPolicy(current, "supplychain", update,
        tally.signatures().subList(0, 1));
    assertThat(withOne.satisfied()).isFalse();
    assertThat(withOne.message()).startsWith("the orderer would refuse").contains("needs 1 more");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** An application org of the channel: a CA and an admin it issued, listed as the MSP's admin. */
  static final class ChannelOrg {
    final String mspId;
    final TestPki ca;
    /** The admin's certificate and key as its Secret holds them. */
    final TestPki adminPem;
    final MspSigner admin;

    ChannelOrg(String mspId) {
      this.mspId = mspId;
      this.ca = TestPki.selfSignedCa("ca." + mspId.toLowerCase());
      this.adminPem = ca.issueServerCertificate("admin." + mspId.toLowerCase());
      this.admin = new MspSigner(mspId, adminPem.certificatePem().getBytes(StandardCharsets.UTF_8),
          adminPem.privateKeyPem().getBytes(StandardCharsets.UTF_8));
    }

    ConfigGroup group() {
      X509Certificate root = Pem.oneCertificate(ca.certificatePem().getBytes(StandardCharsets.UTF_8), "ca");
      return new OrgDefinition(mspId, List.of(root), List.of(), List.of(root), List.of(), List.of(admin.certificate()),
          false, null, List.of(), List.of()).applicationOrgGroup();
    }
  }

  /** An application channel as configtxgen makes one: Application/Admins is MAJORITY of the orgs' Admins. */
  static Config channel(ChannelOrg... orgs) {
    ConfigGroup.Builder application = ConfigGroup.newBuilder().setModPolicy("Admins").setVersion(1)
        .putPolicies("Readers", meta(ImplicitMetaPolicy.Rule.ANY, "Readers"))
        .putPolicies("Writers", meta(ImplicitMetaPolicy.Rule.ANY, "Writers"))
        .putPolicies("Admins", meta(ImplicitMetaPolicy.Rule.MAJORITY, "Admins"));
    for (ChannelOrg org : orgs) {
      application.putGroups(org.mspId, org.group());
    }
    return Config.newBuilder().setSequence(1).setChannelGroup(ConfigGroup.newBuilder().setModPolicy("Admins")
        .putPolicies("Admins", meta(ImplicitMetaPolicy.Rule.MAJORITY, "Admins"))
        .putGroups("Application", application.build())).build();
  }

  static ConfigPolicy meta(ImplicitMetaPolicy.Rule rule, String sub) {
    return ConfigPolicy.newBuilder().setModPolicy("Admins").setPolicy(Policy.newBuilder()
        .setType(Policy.PolicyType.IMPLICIT_META_VALUE)
        .setValue(ImplicitMetaPolicy.newBuilder().setRule(rule).setSubPolicy(sub).build().toByteString())).build();
  }

  /** Application/Readers from ANY to MAJORITY of the orgs' Readers: governed by Application/Admins. */
  private static Policy majorityOfReaders() {
    return meta(ImplicitMetaPolicy.Rule.MAJORITY, "Readers").getPolicy();
  }

  /** What {@code configtxlator compute_update} writes for a batch timeout change of a channel. */
  static ConfigUpdate batchTimeoutUpdate(String channel, String timeout) {
    ConfigGroup read = ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.newBuilder().build()).build();
    ConfigGroup write = ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.newBuilder()
        .putValues("BatchTimeout", ConfigValue.newBuilder().setVersion(1).setModPolicy("Admins")
            .setValue(BatchTimeout.newBuilder().setTimeout(timeout).build().toByteString()).build()).build()).build();
    return ConfigUpdate.newBuilder().setChannelId(channel).setReadSet(read).setWriteSet(write).build();
  }

  static MspSigner admin(String mspId, String commonName) {
    TestPki pki = TestPki.selfSignedCa(commonName);
    return new MspSigner(mspId, pki.certificatePem().getBytes(StandardCharsets.UTF_8),
        pki.privateKeyPem().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode fabricPayload(ByteString update, String sha256) {
    ProposalPolicy policy = new ProposalPolicy();
    policy.rule = Rule.MAJORITY;
    return ProtocolJson.MAPPER.valueToTree(new ConfigProposalKind.Payload(Platform.Fabric, "Batch timeout 1s",
        "lower latency", policy, new ConfigProposalKind.FabricPayload("supplychain",
            Base64.getEncoder().encodeToString(update.toByteArray()), sha256,
            List.of("set value Orderer/BatchTimeout at version 1: {timeout=1s}")), null));
  }

  private static ConfigProposalSpec outgoing(Rule rule, String... to) {
    ConfigProposalSpec spec = new ConfigProposalSpec();
    spec.platform = Platform.Fabric;
    spec.to = List.of(to);
    spec.policy = new ProposalPolicy();
    spec.policy.rule = rule;
    return spec;
  }

  private static RecipientStatus approved(String pairing, DecisionResult result) {
    RecipientStatus recipient = new RecipientStatus(pairing, SharePhase.Accepted);
    recipient.result = result;
    return recipient;
  }

  private static DecisionResult signature(MspSigner signer, ByteString update) {
    return result(signer.signConfigUpdate(update));
  }

  private static DecisionResult result(ConfigSignature signature) {
    DecisionResult result = new DecisionResult();
    result.type = ConfigProposalKind.FABRIC_SIGNATURE;
    result.data = Base64.getEncoder().encodeToString(signature.toByteArray());
    return result;
  }

  /** The same signature with s replaced by n - s: valid ECDSA, but Fabric refuses it. */
  private static ConfigSignature highS(ConfigSignature lowS) {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(lowS.getSignature().toByteArray());
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      BigInteger n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
      byte[] der = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {new ASN1Integer(r),
          new ASN1Integer(n.subtract(s))}).getEncoded("DER");
      return lowS.toBuilder().setSignature(ByteString.copyFrom(der)).build();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
