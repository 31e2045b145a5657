package io.consortium.operator.share.kinds;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.ConfigProposalSpec;
import io.consortium.operator.api.v1alpha1.spec.ConfigMapKeyRef;
import io.consortium.operator.api.v1alpha1.spec.FabricConfigUpdate;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.ProposalPolicy;
import io.consortium.operator.api.v1alpha1.spec.ProposalSigner;
import io.consortium.operator.fabric.config.ConfigEdits;
import io.consortium.operator.fabric.config.ConfigUpdates;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1 proposes to change the Application group of a channel of three orgs and gives its operator
 * the channel's current config: it then says what changes old -> new, counts only admins of the
 * channel's MSPs, and shows whether the orderer would accept the update as signed.
 */
class ChannelCheckedProposalScenarioTest {

  @TempDir Path workdir;
  Org org1;
  Org org2;
  ConfigProposalKindTest.ChannelOrg msp1 = new ConfigProposalKindTest.ChannelOrg("Org1MSP");
  ConfigProposalKindTest.ChannelOrg msp2 = new ConfigProposalKindTest.ChannelOrg("Org2MSP");
  ConfigProposalKindTest.ChannelOrg msp3 = new ConfigProposalKindTest.ChannelOrg("Org3MSP");

  @BeforeEach
  void consortium() {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
  }

  @AfterEach
  void stop() {
    org2.close();
    org1.close();
  }

  @Test
  void org1_sees_the_orderer_would_refuse_its_own_signature_alone_and_accept_it_with_org2s() {
    Config current = ConfigProposalKindTest.channel(msp1, msp2, msp3);
    Config updated = ConfigEdits.setPolicy(current, "Application", "Readers",
        ConfigProposalKindTest.meta(ImplicitMetaPolicy.Rule.MAJORITY, "Readers").getPolicy(), "Admins");
    ByteString update = ConfigUpdates.compute(current, updated, "supplychain").toByteString();
    org1.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("supplychain").endMetadata()
        .withBinaryData(Map.of("update.pb", b64(update.toByteArray()), "config.pb", b64(current.toByteArray())))
        .build()).create();
    adminSecret(org1, "org1-admin", msp1);
    adminSecret(org2, "org2-admin", msp2);
    ConfigProposal proposal = new ConfigProposal();
    proposal.getMetadata().setName("readers-majority");
    proposal.setSpec(new ConfigProposalSpec());
    proposal.getSpec().to = List.of("org2");
    proposal.getSpec().platform = Platform.Fabric;
    proposal.getSpec().title = "Readers: MAJORITY of the orgs";
    proposal.getSpec().fabric = new FabricConfigUpdate();
    proposal.getSpec().fabric.channelId = "supplychain";
    proposal.getSpec().fabric.configUpdateRef = new ConfigMapKeyRef("supplychain", "update.pb");
    proposal.getSpec().fabric.channelConfigRef = new ConfigMapKeyRef("supplychain", "config.pb");
    proposal.getSpec().policy = new ProposalPolicy();
    proposal.getSpec().policy.rule = ProposalPolicy.Rule.ANY;
    proposal.getSpec().signer = new ProposalSigner();
    proposal.getSpec().signer.mspId = "Org1MSP";
    proposal.getSpec().signer.secretName = "org1-admin";
    org1.client().resource(proposal).create();

    Org.await("org1 to show the orderer would refuse its signature alone", Pairings.WAIT, () -> condition(
        "ChannelPolicy").map(c -> "OrdererChecksFail".equals(c.reason) && c.message.contains("needs 1 more")).orElse(false));
    Org.await("org2's copy", Pairings.WAIT,
        () -> org2.client().resources(ConfigProposal.class).withName("org1-readers-majority").get() != null);
    assertThat(org2.client().resources(ConfigProposal.class).withName("org1-readers-majority").get().getSpec()
        .fabric.changes).as("old -> new, from the channel config").singleElement().asString()
        .startsWith("policy Application/Readers: ").contains("->");

    org2.client().resources(ConfigProposal.class).withName("org1-readers-majority").patch(PatchContext.of(
        PatchType.JSON_MERGE), "{\"spec\":{\"decision\":\"Approve\",\"signer\":{\"mspId\":\"Org2MSP\",\"secretName\":\"org2-admin\"}}}");

    Org.await("org1 to show the orderer's checks pass", Pairings.WAIT, () -> condition("ChannelPolicy")
        .map(c -> "OrdererChecksPass".equals(c.reason)
            && c.message.contains("Application/Readers: /Channel/Application/Admins satisfied")).orElse(false));
    assertThat(org1.client().resources(ConfigProposal.class).withName("readers-majority").get().getStatus().policySummary)
        .isEqualTo("2/2 (ANY needs 1), met");
  }

  private Optional<io.consortium.operator.api.v1alpha1.spec.Condition> condition(String type) {
    ConfigProposal proposal = org1.client().resources(ConfigProposal.class).withName("readers-majority").get();
    return proposal == null || proposal.getStatus() == null ? Optional.empty()
        : proposal.getStatus().conditions.stream().filter(c -> type.equals(c.type)).findFirst();
  }

  private static void adminSecret(Org org, String name, ConfigProposalKindTest.ChannelOrg msp) {
    org.client().secrets().resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(Map.of("cert.pem", b64(msp.adminPem.certificatePem().getBytes(StandardCharsets.UTF_8)),
            "key.pem", b64(msp.adminPem.privateKeyPem().getBytes(StandardCharsets.UTF_8)))).build()).create();
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
