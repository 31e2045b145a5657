package io.consortium.operator.besu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

class BftExtraDataTest {

  // Figures from hyperledger/besu besu/src/test/java/org/hyperledger/besu/cli/subcommands/operator/
  // OperatorSubCommandTest.java (shouldCreateQbftExtraData, shouldCreateIbft2ExtraData) with the
  // public keys of besu/src/test/resources/operator/config_import_keys_qbft.json and
  // config_import_keys.json.
  static final String BESU_KEY_1 =
      "0x9481ee2b34196827e8c4807ae29c2675c15d3641e482ab81cc0bc3ef535755b426b9f5c474213df28a563fab0bf0830b455ee8955b3faac93075422a6abf160d";
  static final String BESU_KEY_2 =
      "0xf9dff57fc0bae7cba6577d82caf40cf6d266afc2a212775eb45c2188ab30aeed01e724daf4203649d4aa7e30717bfeeaf0b4c30b5d651bad39bcae8429759889";
  static final String BESU_OPERATOR_QBFT_EXTRA_DATA =
      "0xf84fa00000000000000000000000000000000000000000000000000000000000000000ea94d5feb0fc5a54a89f97aeb34c3df15397c19f6dd294d6a9a4c886eb008ac307abdc1f38745c1dd13a88c080c0";
  static final String BESU_OPERATOR_IBFT2_EXTRA_DATA =
      "0xf853a00000000000000000000000000000000000000000000000000000000000000000ea94d5feb0fc5a54a89f97aeb34c3df15397c19f6dd294d6a9a4c886eb008ac307abdc1f38745c1dd13a88808400000000c0";

  // Figures from hyperledger/besu besu/src/test/java/org/hyperledger/besu/cli/subcommands/rlp/
  // RLPSubCommandTest.java: `besu rlp encode` keeps the order of the addresses it is given.
  static final List<NodeAddress> BESU_RLP_ADDRESSES =
      List.of(
          NodeAddress.parse("be068f726a13c8d46c44be6ce9d275600e1735a4"),
          NodeAddress.parse("5ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193"));
  static final String BESU_RLP_QBFT =
      "0xf84fa00000000000000000000000000000000000000000000000000000000000000000ea94be068f726a13c8d"
          + "46c44be6ce9d275600e1735a4945ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193c080c0";
  static final String BESU_RLP_IBFT2 =
      "0xf853a00000000000000000000000000000000000000000000000000000000000000000ea94be068f726a13c8d"
          + "46c44be6ce9d275600e1735a4945ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193808400000000c0";

  // Figure from hyperledger/besu consensus/qbft/src/test/java/org/hyperledger/besu/consensus/qbft/
  // QbftExtraDataCodecTest.java (RAW_HEX_ENCODING_STRING): vanity 01..20, validators 0x..01 and
  // 0x..02, an add vote for 0x..01, round 0xFEDCBA, seals (r=1, s=10, v=0) and (r=10, s=1, v=0).
  static final String BESU_QBFT_FULL =
      "0xf8f0a00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20ea940000000000000000"
          + "000000000000000000000001940000000000000000000000000000000000000002d7940000000000000000"
          + "00000000000000000000000181ff83fedcbaf886b841000000000000000000000000000000000000000000"
          + "0000000000000000000001000000000000000000000000000000000000000000000000000000000000000a"
          + "00b841000000000000000000000000000000000000000000000000000000000000000a0000000000000000"
          + "00000000000000000000000000000000000000000000000100";

  static NodeAddress small(int n) {
    return NodeAddress.parse(String.format("%040x", n));
  }

  static byte[] seal(int r, int s, int v) {
    byte[] seal = new byte[65];
    System.arraycopy(Numeric.toBytesPadded(BigInteger.valueOf(r), 32), 0, seal, 0, 32);
    System.arraycopy(Numeric.toBytesPadded(BigInteger.valueOf(s), 32), 0, seal, 32, 32);
    seal[64] = (byte) v;
    return seal;
  }

  @Test
  void genesisExtraDataFromBesusOperatorKeysEqualsWhatBesuWrites() {
    List<NodeAddress> validators =
        List.of(
            NodeIdentity.fromPublicKeyHex(BESU_KEY_1).address(),
            NodeIdentity.fromPublicKeyHex(BESU_KEY_2).address());

    assertThat(BftExtraData.forGenesis(validators).toHex(BftConsensus.QBFT))
        .isEqualTo(BESU_OPERATOR_QBFT_EXTRA_DATA);
    assertThat(BftExtraData.forGenesis(validators).toHex(BftConsensus.IBFT2))
        .isEqualTo(BESU_OPERATOR_IBFT2_EXTRA_DATA);
  }

  @Test
  void besusOperatorExtraDataDecodesToTheValidatorsOfItsKeys() {
    BftExtraData qbft = BftExtraData.decodeHex(BftConsensus.QBFT, BESU_OPERATOR_QBFT_EXTRA_DATA);
    BftExtraData ibft = BftExtraData.decodeHex(BftConsensus.IBFT2, BESU_OPERATOR_IBFT2_EXTRA_DATA);

    assertThat(qbft.validators())
        .containsExactly(
            NodeAddress.parse("0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2"),
            NodeAddress.parse("0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88"));
    assertThat(ibft.validators()).isEqualTo(qbft.validators());
    assertThat(qbft.vote()).isEmpty();
    assertThat(qbft.round()).isZero();
    assertThat(qbft.seals()).isEmpty();
  }

  @Test
  void encodingInTheGivenOrderEqualsBesuRlpEncodeByteForByte() {
    assertThat(BftExtraData.forGenesisInGivenOrder(BESU_RLP_ADDRESSES).toHex(BftConsensus.QBFT))
        .isEqualTo(BESU_RLP_QBFT);
    assertThat(BftExtraData.forGenesisInGivenOrder(BESU_RLP_ADDRESSES).toHex(BftConsensus.IBFT2))
        .isEqualTo(BESU_RLP_IBFT2);
    assertThat(BftExtraData.decodeHex(BftConsensus.QBFT, BESU_RLP_QBFT).validators())
        .isEqualTo(BESU_RLP_ADDRESSES);
  }

  @Test
  void twoOrgsListingTheSameValidatorsInDifferentOrderWriteTheSameGenesisExtraData() {
    List<NodeAddress> reversed = List.of(BESU_RLP_ADDRESSES.get(1), BESU_RLP_ADDRESSES.get(0));

    String org1 = BftExtraData.forGenesis(BESU_RLP_ADDRESSES).toHex(BftConsensus.QBFT);
    String org2 = BftExtraData.forGenesis(reversed).toHex(BftConsensus.QBFT);

    assertThat(org1).isEqualTo(org2);
    // Ascending: 0x5ff6... before 0xbe06..., which is the given-order encoding of the reversed list.
    assertThat(org1).isEqualTo(BftExtraData.forGenesisInGivenOrder(reversed).toHex(BftConsensus.QBFT));
    assertThat(org1).isNotEqualTo(BESU_RLP_QBFT);
  }

  @Test
  void fullyPopulatedQbftExtraDataEncodesAndDecodesAsBesusCodecTest() {
    byte[] vanity = new byte[32];
    for (int i = 0; i < 32; i++) {
      vanity[i] = (byte) (i + 1);
    }
    BftExtraData data =
        new BftExtraData(
            vanity,
            List.of(small(1), small(2)),
            Optional.of(ValidatorChange.add(small(1))),
            0xFEDCBA,
            List.of(seal(1, 10, 0), seal(10, 1, 0)));

    assertThat(data.toHex(BftConsensus.QBFT)).isEqualTo(BESU_QBFT_FULL);
    assertThat(BftExtraData.decodeHex(BftConsensus.QBFT, BESU_QBFT_FULL)).isEqualTo(data);
  }

  @Test
  void dropVotesRoundTripInBothProtocolsWithTheirOwnMarkers() {
    BftExtraData data =
        new BftExtraData(
            new byte[32], List.of(small(3)), Optional.of(ValidatorChange.remove(small(1))), 7, List.of());

    String qbft = data.toHex(BftConsensus.QBFT);
    String ibft = data.toHex(BftConsensus.IBFT2);

    // QBFT writes a drop as an empty string (0x80), IBFT 2.0 as the byte 0x00.
    assertThat(qbft).contains("d6940000000000000000000000000000000000000001" + "80");
    assertThat(ibft).contains("d6940000000000000000000000000000000000000001" + "00");
    assertThat(BftExtraData.decodeHex(BftConsensus.QBFT, qbft)).isEqualTo(data);
    assertThat(BftExtraData.decodeHex(BftConsensus.IBFT2, ibft)).isEqualTo(data);
  }

  @Test
  void extraDataOfOneProtocolIsRefusedWhenReadAsTheOther() {
    assertThatThrownBy(() -> BftExtraData.decodeHex(BftConsensus.IBFT2, BESU_OPERATOR_QBFT_EXTRA_DATA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vote");
    assertThatThrownBy(() -> BftExtraData.decodeHex(BftConsensus.QBFT, BESU_OPERATOR_IBFT2_EXTRA_DATA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vote");
  }

  @Test
  void malformedExtraDataIsRefusedWithItsReason() {
    assertThatThrownBy(() -> BftExtraData.decodeHex(BftConsensus.QBFT, ""))
        .hasMessage("extraData is empty");
    assertThatThrownBy(() -> BftExtraData.decodeHex(BftConsensus.QBFT, "0xzz"))
        .hasMessageContaining("hex");
    // Truncated: the last seal list byte is missing.
    String truncated = BESU_OPERATOR_QBFT_EXTRA_DATA.substring(0, BESU_OPERATOR_QBFT_EXTRA_DATA.length() - 2);
    assertThatThrownBy(() -> BftExtraData.decodeHex(BftConsensus.QBFT, truncated))
        .hasMessage("extraData is not valid RLP");
    // One byte too many after the list.
    assertThatThrownBy(() -> BftExtraData.decodeHex(BftConsensus.QBFT, BESU_OPERATOR_QBFT_EXTRA_DATA + "00"))
        .hasMessage("extraData is not one RLP list");
    // A QBFT round written with a leading zero byte is not Besu's scalar.
    BftExtraData zeroRound = BftExtraData.forGenesis(List.of(small(1)));
    String hex = zeroRound.toHex(BftConsensus.QBFT).replace("c080c0", "c08100c0");
    assertThatThrownBy(() -> BftExtraData.decodeHex(BftConsensus.QBFT, relength(hex)))
        .hasMessageContaining("round");
    // A validator of 19 bytes is not an address.
    assertThatThrownBy(
            () ->
                BftExtraData.decodeHex(
                    BftConsensus.QBFT,
                    relength(zeroRound.toHex(BftConsensus.QBFT).replace("d594" + "00".repeat(19) + "01", "d493" + "00".repeat(18) + "01"))))
        .hasMessage("extraData names a validator of 19 bytes, an address is 20");
  }

  @Test
  void aGenesisWithoutValidatorsOrWithADuplicateIsRefused() {
    assertThatThrownBy(() -> BftExtraData.forGenesis(List.of()))
        .hasMessageContaining("at least one validator");
    assertThatThrownBy(() -> BftExtraData.forGenesis(List.of(small(1), small(1))))
        .hasMessageContaining("same address twice");
  }

  /** Rewrites the outer list header of an edited extraData for its new payload length. */
  static String relength(String hex) {
    byte[] all = Numeric.hexStringToByteArray(hex);
    int headerLength = (all[0] & 0xff) <= 0xf7 ? 1 : 1 + ((all[0] & 0xff) - 0xf7);
    byte[] payload = java.util.Arrays.copyOfRange(all, headerLength, all.length);
    String header =
        payload.length < 56
            ? String.format("%02x", 0xc0 + payload.length)
            : String.format("%02x%02x", 0xf8, payload.length);
    return "0x" + header + Numeric.toHexStringNoPrefix(payload);
  }
}
