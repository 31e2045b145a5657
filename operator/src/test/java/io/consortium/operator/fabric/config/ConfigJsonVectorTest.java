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
}
