package io.consortium.operator.besu;

import java.util.Locale;

/** The two Besu BFT protocols whose genesis {@code extraData} this project writes and reads. */
public enum BftConsensus {
  /** QBFT: no vote is an empty list, the round is an RLP scalar (0 is {@code 0x80}). */
  QBFT("qbft"),
  /** IBFT 2.0: no vote is an empty string, the round is four bytes. */
  IBFT2("ibft2");

  private final String genesisKey;

  BftConsensus(String genesisKey) {
    this.genesisKey = genesisKey;
  }

  /** The key of this protocol's options object under {@code config} in genesis.json. */
  public String genesisKey() {
    return genesisKey;
  }

  public static BftConsensus parse(String text) {
    String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "qbft" -> QBFT;
      case "ibft2", "ibft" -> IBFT2;
      default -> throw new IllegalArgumentException(
          "unknown consensus '" + text + "': use qbft or ibft2");
    };
  }
}
