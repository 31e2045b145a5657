package io.consortium.operator.besu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BftGenesisTest {

  static final List<NodeAddress> THREE =
      List.of(
          NodeIdentity.fromPublicKeyHex(BftExtraDataTest.BESU_KEY_2).address(),
          NodeIdentity.fromPublicKeyHex(NodeIdentityTest.G).address(),
          NodeIdentity.fromPublicKeyHex(BftExtraDataTest.BESU_KEY_1).address());

  @Test
  void aQbftGenesisCarriesBesusBftFieldsAndTheSortedValidators() throws Exception {
    byte[] bytes = BftGenesis.qbft(1337, THREE).withTiming(5, 20_000, 10).render();
    JsonNode json = new ObjectMapper().readTree(bytes);

    assertThat(json.at("/config/chainId").asLong()).isEqualTo(1337);
    assertThat(json.at("/config/berlinBlock").asLong()).isZero();
    assertThat(json.at("/config/qbft/blockperiodseconds").asInt()).isEqualTo(5);
    assertThat(json.at("/config/qbft/epochlength").asLong()).isEqualTo(20_000);
    assertThat(json.at("/config/qbft/requesttimeoutseconds").asInt()).isEqualTo(10);
    assertThat(json.get("mixHash").asText())
        .isEqualTo("0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
    assertThat(json.get("difficulty").asText()).isEqualTo("0x1");
    assertThat(json.get("gasLimit").asText()).isEqualTo("0x1fffffffffffff");
    assertThat(BftExtraData.decodeHex(BftConsensus.QBFT, json.get("extraData").asText()).validators())
        .containsExactly(
            NodeAddress.parse("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"),
            NodeAddress.parse("0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2"),
            NodeAddress.parse("0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88"));
    assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("\r").endsWith("}\n");
  }

  @Test
  void threeOrgsRenderingTheSameInputsInAnyOrderGetTheSameBytes() {
    BftGenesis org1 =
        BftGenesis.qbft(2025, THREE)
            .withAlloc(BftGenesis.parseAlloc(
                "{\"0xFE3B557E8Fb62b89F4916B721be55cEb828dBd73\":{\"balance\":\"0xad78ebc5ac6200000\"},\"627306090abaB3A6e1400e9345bC60c78a8BEf57\":{\"comment\":\"x\",\"balance\":\"90000000000000000000000\"}}"
                    .getBytes(StandardCharsets.UTF_8)));
    BftGenesis org2 =
        BftGenesis.qbft(2025, List.of(THREE.get(2), THREE.get(0), THREE.get(1)))
            .withAlloc(BftGenesis.parseAlloc(
                "{\"627306090abab3a6e1400e9345bc60c78a8bef57\":{\"balance\":\"90000000000000000000000\",\"comment\":\"x\"},\"fe3b557e8fb62b89f4916b721be55ceb828dbd73\":{\"balance\":\"0xad78ebc5ac6200000\"}}"
                    .getBytes(StandardCharsets.UTF_8)));

    assertThat(org2.render()).isEqualTo(org1.render());
  }

  @Test
  void aRenderedGenesisReadsBackToTheSameGenesis() {
    BftGenesis genesis =
        BftGenesis.qbft(44, THREE)
            .withTiming(3, 100, 7)
            .withMilestones(Map.of("londonBlock", 0L, "shanghaiTime", 0L))
            .withGasLimit(BigInteger.valueOf(30_000_000));

    BftGenesis read = BftGenesis.parse(genesis.render());

    assertThat(read.chainId()).isEqualTo(44);
    assertThat(read.consensus()).isEqualTo(BftConsensus.QBFT);
    assertThat(read.validators()).isEqualTo(genesis.validators());
    assertThat(read.render()).isEqualTo(genesis.render());
  }

  @Test
  void besusOwnIbft2OperatorGenesisIsReadWithItsValidators() {
    // The genesis of besu/src/test/resources/operator/config_import_keys.json with the extraData
    // OperatorSubCommandTest.shouldCreateIbft2ExtraData expects Besu to write into it.
    String besuGenesis =
        "{\"config\":{\"chainId\":2017,\"petersburgBlock\":0,\"ibft2\":{}},\"nonce\":\"0x0\","
            + "\"timestamp\":\"0x5b3c3d18\",\"gasLimit\":\"0x47b760\",\"difficulty\":\"0x1\","
            + "\"mixHash\":\"0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365\","
            + "\"extraData\":\"" + BftExtraDataTest.BESU_OPERATOR_IBFT2_EXTRA_DATA + "\"}";

    BftGenesis read = BftGenesis.parse(besuGenesis.getBytes(StandardCharsets.UTF_8));

    assertThat(read.consensus()).isEqualTo(BftConsensus.IBFT2);
    assertThat(read.chainId()).isEqualTo(2017);
    assertThat(read.milestones()).containsEntry("petersburgBlock", 0L);
    // Besu's defaults for options left out (JsonBftConfigOptions).
    assertThat(read.blockPeriodSeconds()).isEqualTo(1);
    assertThat(read.epochLength()).isEqualTo(30_000);
    assertThat(read.timestamp()).isEqualTo(0x5b3c3d18L);
    assertThat(read.validators())
        .extracting(NodeAddress::hex)
        .containsExactly("0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2", "0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88");
  }

  @Test
  void badGenesisInputsAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> BftGenesis.qbft(0, THREE)).hasMessageContaining("chain ID must be positive");
    assertThatThrownBy(() -> BftGenesis.qbft(1, List.of())).hasMessageContaining("at least one validator");
    assertThatThrownBy(() -> BftGenesis.qbft(1, THREE).withTiming(0, 1, 1)).hasMessageContaining("block period");
    assertThatThrownBy(() -> BftGenesis.qbft(1, THREE).withMilestones(Map.of("berlin", 0L)))
        .hasMessageContaining("not a Besu milestone name");
    assertThatThrownBy(() -> BftGenesis.qbft(1, THREE).withAlloc(BftGenesis.parseAlloc("{\"nope\":{}}".getBytes(StandardCharsets.UTF_8))))
        .hasMessage("alloc key 'nope' is not an address");
    assertThatThrownBy(() -> BftGenesis.parseAlloc("[1]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("alloc must be a JSON object");
    assertThatThrownBy(() -> BftGenesis.parse("{".getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("genesis is not valid JSON");
    assertThatThrownBy(() -> BftGenesis.parse("{\"config\":{\"chainId\":1,\"clique\":{}}}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("genesis config names neither qbft nor ibft2");
    assertThatThrownBy(() -> BftGenesis.parse("{\"config\":{\"chainId\":1,\"qbft\":{}}}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("genesis has no extraData");
  }
}
