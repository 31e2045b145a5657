package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {

  private static final TestOrg ORDERER = TestOrg.withNodeOus("OrdererMSP");
  private static final TestOrg ORG1 = TestOrg.withNodeOus("Org1MSP");
  private static final TestOrg ORG2 = TestOrg.withAdminCerts("Org2MSP");
  private static final Config CONFIG = TestChannel.config(ORDERER, List.of(ORG1, ORG2));

  @Test
  void a_block_made_here_comes_back_byte_for_byte_from_its_json() {
    Block block = TestChannel.block(CONFIG, "mychannel");
    Block back = ConfigJson.fromJson(ConfigJson.toJson(block), Block.getDefaultInstance());
    assertThat(back.toByteString()).isEqualTo(block.toByteString());
  }

  @Test
  void nested_bytes_are_decoded_where_configtxlator_users_look() {
    JsonNode tree = ConfigJson.toTree(TestChannel.block(CONFIG, "mychannel"));
    JsonNode config = tree.at("/data/data/0/payload/data/config");
    assertThat(tree.at("/data/data/0/payload/header/channel_header/channel_id").asText()).isEqualTo("mychannel");
    assertThat(tree.at("/data/data/0/payload/header/channel_header/type").asInt()).isEqualTo(1);
    assertThat(tree.at("/data/data/0/payload/header/channel_header/extension").isNull()).isTrue();
    JsonNode org1 = config.at("/channel_group/groups/Application/groups/Org1MSP");
    assertThat(org1.at("/values/MSP/value/config/name").asText()).isEqualTo("Org1MSP");
    assertThat(org1.at("/values/MSP/value/config/fabric_node_ous/admin_ou_identifier/organizational_unit_identifier").asText()).isEqualTo("admin");
    assertThat(org1.at("/values/AnchorPeers/value/anchor_peers/0/host").asText()).isEqualTo("peer0.org1msp.example.com");
    assertThat(org1.at("/policies/Admins/policy/value/identities/0/principal/msp_identifier").asText()).isEqualTo("Org1MSP");
    assertThat(org1.at("/policies/Admins/policy/value/identities/0/principal/role").asText()).isEqualTo("ADMIN");
    assertThat(org1.at("/policies/Admins/policy/value/rule/n_out_of/n").asInt()).isEqualTo(1);
    assertThat(config.at("/channel_group/groups/Application/policies/Admins/policy/value/rule").asText()).isEqualTo("MAJORITY");
    assertThat(config.at("/channel_group/groups/Orderer/values/BatchSize/value/max_message_count").asInt()).isEqualTo(10);
    assertThat(config.at("/channel_group/groups/Orderer/values/BatchTimeout/value/timeout").asText()).isEqualTo("2s");
    assertThat(config.at("/channel_group/groups/Orderer/values/ConsensusType/value/metadata/consenters/0/port").asInt()).isEqualTo(7050);
    assertThat(config.at("/channel_group/groups/Orderer/groups/OrdererMSP/values/Endpoints/value/addresses/0").asText())
        .isEqualTo("orderer0.example.com:7050");
    assertThat(config.at("/channel_group/values/HashingAlgorithm/value/name").asText()).isEqualTo("SHA256");
    assertThat(config.at("/channel_group/version").asText()).isEqualTo("0");
    assertThat(config.at("/channel_group/groups/Application/version").asText()).isEqualTo("1");
  }

  @Test
  void an_edit_made_in_the_json_is_encoded_into_the_nested_bytes() throws Exception {
    ObjectNode tree = ConfigJson.toTree(CONFIG);
    ((ObjectNode) tree.at("/channel_group/groups/Orderer/values/BatchSize/value")).put("max_message_count", 77);
    Config edited = (Config) ConfigJson.fromTree(tree, Config.getDefaultInstance());
    BatchSize batch = BatchSize.parseFrom(edited.getChannelGroup().getGroupsOrThrow("Orderer").getValuesOrThrow("BatchSize").getValue());
    assertThat(batch.getMaxMessageCount()).isEqualTo(77);
  }

  @Test
  void a_config_update_envelope_decodes_its_update_and_signature_headers() {
    ConfigUpdate update = ConfigUpdates.compute(CONFIG, ConfigEdits.setBatchTimeout(CONFIG, "1s"), "mychannel");
    ConfigUpdateEnvelope envelope = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString())
        .addSignatures(ORG1.admin.signer().signConfigUpdate(update.toByteString())).build();
    JsonNode tree = ConfigJson.toTree(envelope);
    assertThat(tree.at("/config_update/write_set/groups/Orderer/values/BatchTimeout/value/timeout").asText()).isEqualTo("1s");
    assertThat(tree.at("/signatures/0/signature_header/creator/mspid").asText()).isEqualTo("Org1MSP");
    ConfigUpdateEnvelope back = ConfigJson.fromJson(ConfigJson.toJson(envelope), ConfigUpdateEnvelope.getDefaultInstance());
    assertThat(back.toByteString()).isEqualTo(envelope.toByteString());
  }

  @Test
  void bytes_holding_fields_these_protos_do_not_know_come_back_unchanged_unless_edited() throws Exception {
    // A BatchSize value with an extra field 9, as a newer Fabric might write it.
    ByteString withUnknown = BatchSize.newBuilder().setMaxMessageCount(10)
        .setUnknownFields(UnknownFieldSet.newBuilder().addField(9, UnknownFieldSet.Field.newBuilder().addVarint(5).build()).build())
        .build().toByteString();
    Config config = ConfigEdits.edit(CONFIG, List.of("Orderer"), g -> g.toBuilder()
        .putValues("BatchSize", g.getValuesOrThrow("BatchSize").toBuilder().setValue(withUnknown).build()).build());
    ObjectNode tree = ConfigJson.toTree(config);
    ObjectNode value = (ObjectNode) tree.at("/channel_group/groups/Orderer/values/BatchSize/value");
    assertThat(value.has(ConfigJson.ORIGINAL_BYTES)).isTrue();
    Config back = (Config) ConfigJson.fromTree(tree, Config.getDefaultInstance());
    assertThat(back.toByteString()).isEqualTo(config.toByteString());
    value.put("max_message_count", 20);
    Config edited = (Config) ConfigJson.fromTree(tree, Config.getDefaultInstance());
    BatchSize batch = BatchSize.parseFrom(edited.getChannelGroup().getGroupsOrThrow("Orderer").getValuesOrThrow("BatchSize").getValue());
    assertThat(batch.getMaxMessageCount()).isEqualTo(20);
  }

  @Test
  void json_with_an_unknown_field_is_refused_naming_it() {
    assertThatThrownBy(() -> ConfigJson.fromJson("{\"channel_group\": {\"versoin\": \"1\"}}", Config.getDefaultInstance()))
        .hasMessage("unknown field 'versoin' in ConfigGroup at channel_group");
  }

  @Test
  void each_kind_of_config_file_is_recognised_in_protobuf_and_json() {
    Block block = TestChannel.block(CONFIG, "mychannel");
    ConfigUpdate update = ConfigUpdates.compute(CONFIG, ConfigEdits.setBatchTimeout(CONFIG, "1s"), "mychannel");
    ConfigUpdateEnvelope envelope = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString()).build();
    var cases = List.of(
        new Object[] {block, ConfigDocument.Kind.BLOCK},
        new Object[] {CONFIG, ConfigDocument.Kind.CONFIG},
        new Object[] {update, ConfigDocument.Kind.CONFIG_UPDATE},
        new Object[] {envelope, ConfigDocument.Kind.CONFIG_UPDATE_ENVELOPE});
    for (Object[] c : cases) {
      var message = (com.google.protobuf.Message) c[0];
      assertThat(ConfigDocument.parse(message.toByteArray()).kind()).isEqualTo(c[1]);
      ConfigDocument fromJson = ConfigDocument.parse(ConfigJson.toJson(message).getBytes());
      assertThat(fromJson.kind()).isEqualTo(c[1]);
      assertThat(fromJson.message().toByteString()).isEqualTo(message.toByteString());
    }
    assertThat(ConfigDocument.parse(block.toByteArray()).config()).isEqualTo(CONFIG);
  }
}
