package io.consortium.operator.besu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

class NetworkDefinitionTest {

  /** The public identity of a node whose private key is {@code k} (test keys, never secret). */
  static NodeIdentity node(long k) {
    return NodeIdentity.fromPublicKey(Numeric.toBytesPadded(Sign.publicKeyFromPrivate(BigInteger.valueOf(k)), 64));
  }

  static final NodeIdentity ORG1_A = node(11);
  static final NodeIdentity ORG1_B = node(12);
  static final NodeIdentity ORG2_A = node(21);
  static final NodeIdentity ORG3_A = node(31);

  static NetworkDefinition threeOrgs() {
    byte[] genesis =
        BftGenesis.qbft(1337, List.of(ORG1_A.address(), ORG2_A.address(), ORG3_A.address())).render();
    return NetworkDefinition.forNewNetwork(
        genesis,
        List.of(ORG1_A.enodeUrl("10.1.0.1", 30303).toString()),
        List.of(
            new OrganizationNodes(
                "org1",
                List.of(ORG1_A.enodeUrl("10.1.0.1", 30303).toString(), ORG1_B.enodeUrl("10.1.0.2", 30303).toString())),
            new OrganizationNodes("org2", List.of(ORG2_A.enodeUrl("besu.org2.example", 30303).toString())),
            new OrganizationNodes("org3", List.of(ORG3_A.enodeUrl("10.3.0.1", 30304).toString()))));
  }

  @Test
  void theDefinitionSurvivesJsonUnchangedWithTheExactGenesisBytes() throws Exception {
    NetworkDefinition sent = threeOrgs();
    ObjectMapper mapper = new ObjectMapper();

    String json = mapper.writeValueAsString(sent);
    NetworkDefinition received = mapper.readValue(json, NetworkDefinition.class);

    assertThat(received).isEqualTo(sent);
    assertThat(received.genesisBytes()).isEqualTo(sent.genesisBytes());
    assertThat(tree(json).get("genesis").isTextual()).isTrue();
    assertThat(received.genesisSha256()).isEqualTo(sent.genesisSha256());
    JsonNode tree = tree(json);
    assertThat(tree.fieldNames()).toIterable()
        .containsExactlyInAnyOrder("chainId", "genesis", "bootnodes", "validators", "organizations");
    // Public material only: nothing but the public keys' enodes and addresses travels.
    assertThat(json).doesNotContain("key\"");
  }

  static JsonNode tree(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void org2sNodesGetStaticNodesOfTheOtherOrgsOnly() throws Exception {
    byte[] staticNodes = threeOrgs().staticNodesFor("org2");

    List<String> enodes = List.of(new ObjectMapper().readValue(staticNodes, String[].class));
    assertThat(enodes)
        .containsExactly(
            ORG1_A.enodeUrl("10.1.0.1", 30303).toString(),
            ORG1_B.enodeUrl("10.1.0.2", 30303).toString(),
            ORG3_A.enodeUrl("10.3.0.1", 30304).toString());
  }

  @Test
  void org2sPermissionsAllowlistNamesEveryNodeItMayTalkTo() {
    String toml = new String(threeOrgs().permissionsConfigFor("org2"), StandardCharsets.UTF_8);

    assertThat(toml).contains("nodes-allowlist=[\n");
    assertThat(toml)
        .contains("\"" + ORG2_A.enodeUrl("besu.org2.example", 30303) + "\"")
        .contains("\"" + ORG1_A.enodeUrl("10.1.0.1", 30303) + "\"")
        .contains("\"" + ORG1_B.enodeUrl("10.1.0.2", 30303) + "\"")
        .contains("\"" + ORG3_A.enodeUrl("10.3.0.1", 30304) + "\"");
    // The bootnode is org1's first node: listed once.
    assertThat(toml.split(ORG1_A.enodeId(), -1)).hasSize(2);
    assertThat(toml.lines().filter(l -> l.startsWith("  \"enode://")).count()).isEqualTo(4);
  }

  @Test
  void inconsistentDefinitionsAreRefused() {
    NetworkDefinition good = threeOrgs();
    String genesis = good.genesis();

    assertThatThrownBy(() -> new NetworkDefinition(1, genesis, List.of(), good.validators(), good.organizations()))
        .hasMessage("network definition says chain ID 1 but its genesis says 1337");
    assertThatThrownBy(() -> new NetworkDefinition(1337, "e30=", List.of(), good.validators(), List.of()))
        .hasMessageStartingWith("network definition genesis is unusable");
    assertThatThrownBy(() -> new NetworkDefinition(1337, "not base64!", List.of(), good.validators(), List.of()))
        .hasMessage("network definition genesis is not base64");
    assertThatThrownBy(() -> new NetworkDefinition(1337, genesis, List.of("enode://nope"), good.validators(), List.of()))
        .hasMessageStartingWith("bad bootnode: ");
    assertThatThrownBy(
            () -> new NetworkDefinition(1337, genesis, List.of(), good.validators(),
                List.of(new OrganizationNodes("org1", List.of(ORG1_A.enodeUrl("10.0.0.1", 1).toString())),
                    new OrganizationNodes("org2", List.of(ORG1_A.enodeUrl("10.0.0.2", 2).toString())))))
        .hasMessageContaining("advertised by more than one organization");
    assertThatThrownBy(() -> good.staticNodesFor("org9"))
        .hasMessageStartingWith("organization org9 is not part of this network definition");
    assertThatThrownBy(() -> new OrganizationNodes("org1", List.of("enode://x@1.2.3.4:1")))
        .hasMessageStartingWith("organization org1 advertises a bad enode: ");
  }
}
