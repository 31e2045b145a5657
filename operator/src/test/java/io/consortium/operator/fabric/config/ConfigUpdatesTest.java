package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.consortium.operator.pki.Pem;
import java.util.List;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.orderer.etcdraft.Consenter;
import org.junit.jupiter.api.Test;

class ConfigUpdatesTest {

  private static final TestOrg ORDERER = TestOrg.withNodeOus("OrdererMSP");
  private static final TestOrg ORG1 = TestOrg.withNodeOus("Org1MSP");
  private static final TestOrg ORG2 = TestOrg.withAdminCerts("Org2MSP");
  private static final TestOrg ORG3 = TestOrg.withNodeOus("Org3MSP");
  private static final Config CHANNEL = TestChannel.config(ORDERER, List.of(ORG1, ORG2));

  private static ConfigGroup app(ConfigGroup channelSet) {
    return channelSet.getGroupsOrThrow("Application");
  }

  @Test
  void adding_an_org_rewrites_the_application_group_at_version_plus_one_with_the_new_org_at_zero() {
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, ConfigEdits.addApplicationOrg(CHANNEL, ORG3.definition()), "mychannel");
    assertThat(update.getChannelId()).isEqualTo("mychannel");
    assertThat(update.getWriteSet().getVersion()).isEqualTo(0);
    assertThat(update.getWriteSet().getGroupsMap()).containsOnlyKeys("Application");
    ConfigGroup write = app(update.getWriteSet());
    ConfigGroup read = app(update.getReadSet());
    assertThat(read.getVersion()).isEqualTo(1);
    assertThat(write.getVersion()).isEqualTo(2);
    assertThat(write.getModPolicy()).isEqualTo("Admins");
    assertThat(write.getGroupsMap()).containsOnlyKeys("Org1MSP", "Org2MSP", "Org3MSP");
    assertThat(read.getGroupsMap()).containsOnlyKeys("Org1MSP", "Org2MSP");
    // Unchanged children are named by version only, in both sets.
    assertThat(write.getGroupsOrThrow("Org1MSP")).isEqualTo(ConfigGroup.newBuilder().setVersion(0).build());
    assertThat(write.getPoliciesOrThrow("Admins").hasPolicy()).isFalse();
    ConfigGroup org3 = write.getGroupsOrThrow("Org3MSP");
    assertThat(org3.getVersion()).isEqualTo(0);
    assertThat(org3.getModPolicy()).isEqualTo("Admins");
    assertThat(org3.getValuesMap()).containsOnlyKeys("MSP", "AnchorPeers");
    assertThat(org3.getPoliciesMap()).containsOnlyKeys("Admins", "Readers", "Writers", "Endorsement");
    assertThat(org3.getValuesOrThrow("MSP").getVersion()).isEqualTo(0);
  }

  @Test
  void removing_an_org_rewrites_the_application_group_without_it() {
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, ConfigEdits.removeApplicationOrg(CHANNEL, "Org2MSP"), "mychannel");
    assertThat(app(update.getWriteSet()).getVersion()).isEqualTo(2);
    assertThat(app(update.getWriteSet()).getGroupsMap()).containsOnlyKeys("Org1MSP");
    assertThat(app(update.getReadSet()).getGroupsMap()).containsOnlyKeys("Org1MSP");
  }

  @Test
  void rotating_an_org_msp_writes_only_that_value_at_version_plus_one() {
    TestOrg rotated = TestOrg.withNodeOus("Org1MSP");
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL,
        ConfigEdits.updateOrgMsp(CHANNEL, "Application", "Org1MSP", rotated.definition()), "mychannel");
    ConfigGroup write = app(update.getWriteSet());
    assertThat(write.getVersion()).isEqualTo(1);
    assertThat(write.getGroupsMap()).containsOnlyKeys("Org1MSP");
    ConfigGroup org1 = write.getGroupsOrThrow("Org1MSP");
    assertThat(org1.getVersion()).isEqualTo(0);
    assertThat(org1.getValuesMap()).containsOnlyKeys("MSP");
    assertThat(org1.getValuesOrThrow("MSP").getVersion()).isEqualTo(1);
    assertThat(org1.getPoliciesMap()).isEmpty();
    assertThat(app(update.getReadSet()).getGroupsOrThrow("Org1MSP")).isEqualTo(ConfigGroup.newBuilder().setVersion(0).build());
  }

  @Test
  void setting_anchor_peers_where_there_were_none_rewrites_the_org_group() {
    Config noAnchors = ConfigEdits.setAnchorPeers(CHANNEL, "Org1MSP", List.of());
    ConfigUpdate update = ConfigUpdates.compute(noAnchors,
        ConfigEdits.setAnchorPeers(noAnchors, "Org1MSP", List.of(OrgDefinition.HostPort.parse("peer0.org1:7051"))), "mychannel");
    ConfigGroup org1 = app(update.getWriteSet()).getGroupsOrThrow("Org1MSP");
    assertThat(org1.getVersion()).isEqualTo(1);
    assertThat(org1.getValuesOrThrow("AnchorPeers").getVersion()).isEqualTo(0);
    assertThat(org1.getValuesOrThrow("MSP")).isEqualTo(org1.getValuesOrThrow("MSP").toBuilder().clearValue().clearModPolicy().build());
    assertThat(org1.getPoliciesMap()).containsOnlyKeys("Admins", "Readers", "Writers", "Endorsement");
  }

  @Test
  void changing_existing_anchor_peers_writes_the_value_at_version_plus_one() {
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL,
        ConfigEdits.setAnchorPeers(CHANNEL, "Org1MSP", List.of(OrgDefinition.HostPort.parse("peer1.org1:7051"))), "mychannel");
    ConfigGroup org1 = app(update.getWriteSet()).getGroupsOrThrow("Org1MSP");
    assertThat(org1.getVersion()).isEqualTo(0);
    assertThat(org1.getValuesMap()).containsOnlyKeys("AnchorPeers");
    assertThat(org1.getValuesOrThrow("AnchorPeers").getVersion()).isEqualTo(1);
  }

  @Test
  void batch_size_and_timeout_changes_write_the_orderer_values_at_version_plus_one() {
    Config updated = ConfigEdits.setBatchTimeout(ConfigEdits.setBatchSize(CHANNEL, 50, null, null), "500ms");
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, updated, "mychannel");
    ConfigGroup orderer = update.getWriteSet().getGroupsOrThrow("Orderer");
    assertThat(orderer.getVersion()).isEqualTo(0);
    assertThat(orderer.getValuesMap()).containsOnlyKeys("BatchSize", "BatchTimeout");
    assertThat(orderer.getValuesOrThrow("BatchSize").getVersion()).isEqualTo(1);
    assertThat(ConfigChanges.describe(CHANNEL, update)).containsExactly(
        "Orderer/BatchSize: max_message_count 10 -> 50",
        "Orderer/BatchTimeout: timeout 2s -> 500ms");
  }

  @Test
  void adding_and_removing_a_consenter_changes_the_consensus_type_value() {
    Consenter consenter = Consenter.newBuilder().setHost("orderer1.example.com").setPort(7050)
        .setClientTlsCert(ByteString.copyFrom(Pem.encode(ORDERER.ca))).setServerTlsCert(ByteString.copyFrom(Pem.encode(ORDERER.ca))).build();
    Config added = ConfigEdits.addConsenter(CHANNEL, consenter);
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, added, "mychannel");
    assertThat(update.getWriteSet().getGroupsOrThrow("Orderer").getValuesOrThrow("ConsensusType").getVersion()).isEqualTo(1);
    assertThat(ConfigChanges.describe(CHANNEL, update)).singleElement().asString()
        .startsWith("Orderer/ConsensusType: metadata.consenters adds {host=orderer1.example.com, port=7050");
    Config removed = ConfigEdits.removeConsenter(added, "orderer1.example.com", 7050);
    assertThatThrownBy(() -> ConfigUpdates.compute(CHANNEL, removed, "mychannel"))
        .hasMessage("no differences between the original and the updated config");
    assertThatThrownBy(() -> ConfigEdits.removeConsenter(CHANNEL, "orderer0.example.com", 7050))
        .hasMessage("cannot remove the last consenter");
  }

  @Test
  void adding_an_orderer_endpoint_writes_the_endpoints_value() {
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, ConfigEdits.addOrdererEndpoint(CHANNEL, "OrdererMSP", "orderer1.example.com:7050"), "mychannel");
    assertThat(update.getWriteSet().getGroupsOrThrow("Orderer").getGroupsOrThrow("OrdererMSP").getValuesOrThrow("Endpoints").getVersion()).isEqualTo(1);
    assertThat(ConfigChanges.describe(CHANNEL, update)).containsExactly("Orderer/OrdererMSP/Endpoints: addresses adds orderer1.example.com:7050");
  }

  @Test
  void changing_a_policy_writes_it_at_version_plus_one_and_reads_as_old_to_new() {
    Policy any = TestChannel.meta(ImplicitMetaPolicy.Rule.ANY, "Admins").getPolicy();
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, ConfigEdits.setPolicy(CHANNEL, "Application", "Admins", any, "Admins"), "mychannel");
    assertThat(app(update.getWriteSet()).getPoliciesOrThrow("Admins").getVersion()).isEqualTo(1);
    assertThat(app(update.getWriteSet()).getVersion()).isEqualTo(1);
    assertThat(ConfigChanges.describe(CHANNEL, update)).containsExactly("policy Application/Admins: MAJORITY Admins -> ANY Admins");
  }

  @Test
  void the_readable_changes_of_an_added_org_name_its_values_and_policies() {
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, ConfigEdits.addApplicationOrg(CHANNEL, ORG3.definition()), "mychannel");
    assertThat(ConfigChanges.describe(CHANNEL, update)).containsExactly(
        "add group Application/Org3MSP at version 0 with values AnchorPeers, MSP and policies Admins, Endorsement, Readers, Writers, mod_policy Admins");
  }

  @Test
  void adding_and_removing_an_orderer_org_rewrites_the_orderer_group() {
    TestOrg orderer2 = TestOrg.withNodeOus("Orderer2MSP");
    OrgDefinition def = new OrgDefinition("Orderer2MSP", List.of(orderer2.ca), List.of(), List.of(orderer2.ca), List.of(),
        List.of(), true, orderer2.ca, List.of(), List.of("orderer5.example.com:7050"));
    Config added = ConfigEdits.addOrdererOrg(CHANNEL, def);
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, added, "mychannel");
    ConfigGroup orderer = update.getWriteSet().getGroupsOrThrow("Orderer");
    assertThat(orderer.getVersion()).isEqualTo(1);
    assertThat(orderer.getGroupsOrThrow("Orderer2MSP").getValuesMap()).containsOnlyKeys("MSP", "Endpoints");
    assertThat(orderer.getGroupsOrThrow("Orderer2MSP").getPoliciesMap()).containsOnlyKeys("Readers", "Writers", "Admins");
    assertThat(orderer.getValuesOrThrow("BatchSize")).isEqualTo(orderer.getValuesOrThrow("BatchSize").toBuilder().clearValue().clearModPolicy().build());
    ConfigUpdate removal = ConfigUpdates.compute(added, ConfigEdits.removeOrdererOrg(added, "Orderer2MSP"), "mychannel");
    assertThat(removal.getWriteSet().getGroupsOrThrow("Orderer").getGroupsMap()).containsOnlyKeys("OrdererMSP");
    assertThat(ConfigChanges.describe(added, removal)).containsExactly("remove group Orderer/Orderer2MSP");
  }

  @Test
  void removing_an_orderer_endpoint_writes_the_endpoints_value_without_it() {
    Config two = ConfigEdits.addOrdererEndpoint(CHANNEL, "OrdererMSP", "orderer1.example.com:7050");
    ConfigUpdate update = ConfigUpdates.compute(two, ConfigEdits.removeOrdererEndpoint(two, "OrdererMSP", "orderer0.example.com:7050"), "mychannel");
    assertThat(ConfigChanges.describe(two, update)).containsExactly("Orderer/OrdererMSP/Endpoints: addresses removes orderer0.example.com:7050");
    assertThatThrownBy(() -> ConfigEdits.removeOrdererEndpoint(CHANNEL, "OrdererMSP", "nowhere:1"))
        .hasMessage("orderer org OrdererMSP has no endpoint nowhere:1");
  }

  @Test
  void a_certificate_rotation_reads_as_the_certificates_that_leave_and_come() {
    TestOrg rotated = TestOrg.withNodeOus("Org1MSP");
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL,
        ConfigEdits.updateOrgMsp(CHANNEL, "Application", "Org1MSP", rotated.definition()), "mychannel");
    List<String> lines = ConfigChanges.describe(CHANNEL, update);
    assertThat(lines).singleElement().asString()
        .startsWith("Application/Org1MSP/MSP: config.root_certs removes certificate CN=ca.org1msp, O=Org1MSP (sha256 ")
        .contains("config.root_certs adds certificate CN=ca.org1msp, O=Org1MSP (sha256 ");
  }

  @Test
  void the_same_config_is_no_update() {
    assertThatThrownBy(() -> ConfigUpdates.compute(CHANNEL, CHANNEL, "mychannel"))
        .hasMessage("no differences between the original and the updated config");
  }

  @Test
  void edits_that_make_no_sense_are_refused_by_name() {
    assertThatThrownBy(() -> ConfigEdits.addApplicationOrg(CHANNEL, ORG1.definition())).hasMessage("Application already has an org Org1MSP");
    assertThatThrownBy(() -> ConfigEdits.removeApplicationOrg(CHANNEL, "Org9MSP")).hasMessage("Application has no org Org9MSP");
    assertThatThrownBy(() -> ConfigEdits.setBatchTimeout(CHANNEL, "soon")).hasMessage("'soon' is not a duration like 2s or 500ms");
    assertThatThrownBy(() -> ConfigEdits.updateOrgMsp(CHANNEL, "Application", "Org1MSP", ORG2.definition()))
        .hasMessage("the new MSP is Org2MSP but Application/Org1MSP is Org1MSP");
  }

  @Test
  void compute_update_on_the_real_genesis_config_adds_an_org_by_the_same_rules() throws Exception {
    Config genesis = ConfigDocument.parse(FabricVectors.etcdraftGenesis()).config();
    ConfigUpdate update = ConfigUpdates.compute(genesis, ConfigEdits.addApplicationOrg(genesis, ORG3.definition()), "testchannel");
    ConfigGroup current = genesis.getChannelGroup().getGroupsOrThrow("Application");
    ConfigGroup write = app(update.getWriteSet());
    assertThat(write.getVersion()).isEqualTo(current.getVersion() + 1);
    assertThat(write.getGroupsMap()).containsKeys("Org3MSP").hasSize(current.getGroupsCount() + 1);
    assertThat(app(update.getReadSet()).getVersion()).isEqualTo(current.getVersion());
  }
}
