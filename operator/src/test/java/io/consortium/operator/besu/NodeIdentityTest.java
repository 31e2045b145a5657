package io.consortium.operator.besu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

  // The generator point G is the public key of private key 1; its address is widely published.
  static final String G =
      "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
          + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

  @Test
  void theAddressOfPrivateKeyOneIsTheWellKnownOne() {
    NodeIdentity node = NodeIdentity.fromPublicKeyHex(G);

    assertThat(node.address()).hasToString("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    assertThat(node.enodeId()).isEqualTo(G);
  }

  @Test
  void theKeyIsAcceptedWithOrWithoutThe04PrefixAndThe0xPrefixInAnyCase() {
    NodeIdentity plain = NodeIdentity.fromPublicKeyHex(G);

    assertThat(NodeIdentity.fromPublicKeyHex("0x" + G)).isEqualTo(plain);
    assertThat(NodeIdentity.fromPublicKeyHex("04" + G)).isEqualTo(plain);
    assertThat(NodeIdentity.fromPublicKeyHex("0x04" + G.toUpperCase())).isEqualTo(plain);
  }

  @Test
  void aNodeKeyFileGivesTheSameIdentityAsItsPublicKey(@TempDir Path dir) throws Exception {
    // Hardhat's first development account: a key pair published with its address.
    Path key = dir.resolve("key");
    Files.writeString(key, "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n");
    Path one = dir.resolve("one");
    Files.writeString(one, "0000000000000000000000000000000000000000000000000000000000000001");

    assertThat(NodeIdentity.fromNodeKeyFile(key).address())
        .hasToString("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    assertThat(NodeIdentity.fromNodeKeyFile(one)).isEqualTo(NodeIdentity.fromPublicKeyHex(G));
  }

  @Test
  void besusOperatorTestKeysGiveTheAddressesBesuPutsInExtraData() {
    assertThat(NodeIdentity.fromPublicKeyHex(BftExtraDataTest.BESU_KEY_1).address())
        .hasToString("0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2");
    assertThat(NodeIdentity.fromPublicKeyHex(BftExtraDataTest.BESU_KEY_2).address())
        .hasToString("0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88");
  }

  @Test
  void malformedKeysAreRefusedWithTheirReason(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> NodeIdentity.fromPublicKeyHex("")).hasMessage("public key is empty");
    assertThatThrownBy(() -> NodeIdentity.fromPublicKeyHex("xyz")).hasMessageContaining("not hexadecimal");
    assertThatThrownBy(() -> NodeIdentity.fromPublicKeyHex(G.substring(2)))
        .hasMessageContaining("63 bytes");
    assertThatThrownBy(() -> NodeIdentity.fromPublicKeyHex("05" + G))
        .hasMessageContaining("must start with 04");
    assertThatThrownBy(() -> NodeIdentity.fromPublicKeyHex("02" + G.substring(0, 64)))
        .hasMessageContaining("compressed keys are not accepted");
    // G with y + 1 is not on the curve.
    String offCurve = G.substring(0, 127) + "9";
    assertThatThrownBy(() -> NodeIdentity.fromPublicKeyHex(offCurve))
        .hasMessage("public key is not a point on secp256k1");

    Path bad = dir.resolve("key");
    Files.writeString(bad, "not a key");
    assertThatThrownBy(() -> NodeIdentity.fromNodeKeyFile(bad)).hasMessageContaining("64 hex digits");
    Path zero = dir.resolve("zero");
    Files.writeString(zero, "00".repeat(32));
    assertThatThrownBy(() -> NodeIdentity.fromNodeKeyFile(zero)).hasMessageContaining("range");
  }
}
