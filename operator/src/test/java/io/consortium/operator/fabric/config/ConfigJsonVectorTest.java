package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigJsonVectorTest {

  private static byte[] vector(String name) throws Exception {
    return name.startsWith("etcdraft") ? FabricVectors.etcdraftGenesis() : FabricVectors.smartbftBlock();
  }

  @ParameterizedTest
  @ValueSource(strings = {"etcdraft", "smartbft"})
  void a_real_config_block_comes_back_byte_for_byte_from_its_json(String name) throws Exception {
    byte[] bytes = vector(name);
    Block block = Block.parseFrom(bytes);
    String json = ConfigJson.toJson(block);
    Block back = ConfigJson.fromJson(json, Block.getDefaultInstance());
    assertThat(back.toByteArray()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"etcdraft", "smartbft"})
  void the_org_msp_names_sit_where_configtxlator_users_look(String name) throws Exception {
    JsonNode tree = ConfigJson.toTree(Block.parseFrom(vector(name)));
    JsonNode orgs = tree.at("/data/data/0/payload/data/config/channel_group/groups/Application/groups");
    List<String> mspNames = new ArrayList<>();
    orgs.fields().forEachRemaining(e -> mspNames.add(e.getValue().at("/values/MSP/value/config/name").asText()));
    assertThat(mspNames).containsExactlyInAnyOrder("Org1MSP", "Org2MSP");
  }

  @org.junit.jupiter.api.Test
  void consensus_metadata_is_decoded_by_consensus_type() throws Exception {
    JsonNode raft = ConfigJson.toTree(Block.parseFrom(FabricVectors.etcdraftGenesis()))
        .at("/data/data/0/payload/data/config/channel_group/groups/Orderer/values/ConsensusType/value");
    assertThat(raft.at("/type").asText()).isEqualTo("etcdraft");
    assertThat(raft.at("/metadata/options/election_tick").asInt()).isEqualTo(10);
    assertThat(raft.at("/metadata/consenters/0/host").asText()).isEqualTo("127.0.0.1");
    JsonNode bft = ConfigJson.toTree(Block.parseFrom(FabricVectors.smartbftBlock())).at("/data/data/0/payload/data");
    assertThat(bft.at("/config/channel_group/groups/Orderer/values/ConsensusType/value/type").asText()).isEqualTo("BFT");
    assertThat(bft.at("/config/channel_group/groups/Orderer/values/ConsensusType/value/metadata/request_batch_max_count").isMissingNode()).isFalse();
    assertThat(bft.at("/config/channel_group/groups/Orderer/values/Orderers/value/consenter_mapping/0/msp_id").asText()).isEqualTo("OrdererMSP");
    assertThat(bft.at("/last_update").isNull()).isTrue();
  }
}
