package io.consortium.operator.besu;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * The {@code extraData} of a Besu BFT block header: RLP of [vanity, [validators], vote, round,
 * [seals]], encoded and decoded exactly as Besu's QbftExtraDataCodec and IbftExtraDataCodec do.
 * The validators are kept in the order given; {@link #forGenesis} sorts them ascending, the order
 * Besu keeps its validator set in, so every organization writes the same genesis bytes.
 */
public record BftExtraData(
    byte[] vanity,
    List<NodeAddress> validators,
    Optional<ValidatorChange> vote,
    int round,
    List<byte[]> seals) {

  /** Length of the vanity field Besu writes. */
  public static final int VANITY_LENGTH = 32;

  /** A committed seal: r (32) || s (32) || recovery id (1). */
  public static final int SEAL_LENGTH = 65;

  private static final byte ADD_BYTE = (byte) 0xFF;
  private static final byte DROP_BYTE = 0x00;

  public BftExtraData {
    vanity = vanity.clone();
    if (vanity.length > VANITY_LENGTH) {
      throw new IllegalArgumentException(
          "vanity is " + vanity.length + " bytes, at most " + VANITY_LENGTH);
    }
    validators = List.copyOf(validators);
    if (new TreeSet<>(validators).size() != validators.size()) {
      throw new IllegalArgumentException("validator list names the same address twice");
    }
    if (round < 0) {
      throw new IllegalArgumentException("round " + round + " is negative");
    }
    List<byte[]> copies = new ArrayList<>();
    for (byte[] seal : seals) {
      if (seal.length != SEAL_LENGTH) {
        throw new IllegalArgumentException(
            "a seal is " + SEAL_LENGTH + " bytes (r, s, v), found " + seal.length);
      }
      copies.add(seal.clone());
    }
    seals = List.copyOf(copies);
  }

  /**
   * The extraData of a genesis block: 32 zero bytes of vanity, the validators sorted ascending, no
   * vote, round 0, no seals. Besu's own {@code encodeFromAddresses} keeps the caller's order; sorting
   * here makes the result independent of the order in which organizations list their nodes.
   */
  public static BftExtraData forGenesis(Collection<NodeAddress> validators) {
    if (validators.isEmpty()) {
      throw new IllegalArgumentException("a BFT genesis needs at least one validator");
    }
    List<NodeAddress> sorted = new ArrayList<>(validators);
    sorted.sort(null);
    return new BftExtraData(new byte[VANITY_LENGTH], sorted, Optional.empty(), 0, List.of());
  }

  /** Genesis extraData with the validators in exactly the order given, as Besu's tools write it. */
  public static BftExtraData forGenesisInGivenOrder(List<NodeAddress> validators) {
    if (validators.isEmpty()) {
      throw new IllegalArgumentException("a BFT genesis needs at least one validator");
    }
    return new BftExtraData(new byte[VANITY_LENGTH], validators, Optional.empty(), 0, List.of());
  }

  public byte[] encode(BftConsensus consensus) {
    List<RlpType> items = new ArrayList<>();
    items.add(RlpString.create(vanity));
    List<RlpType> addresses = new ArrayList<>();
    for (NodeAddress v : validators) {
      addresses.add(RlpString.create(v.bytes()));
    }
    items.add(new RlpList(addresses));
    if (consensus == BftConsensus.QBFT) {
      // QBFT: no vote is an empty list; a drop vote carries an empty string.
      items.add(
          vote.<RlpType>map(
                  c -> new RlpList(
                      RlpString.create(c.validator().bytes()),
                      RlpString.create(c.kind() == VoteKind.ADD ? new byte[] {ADD_BYTE} : new byte[0])))
              .orElseGet(() -> new RlpList(List.of())));
      items.add(RlpString.create(BigInteger.valueOf(round)));
    } else {
      // IBFT 2.0: no vote is an empty string; a drop vote carries the byte 0x00; round is 4 bytes.
      items.add(
          vote.<RlpType>map(
                  c -> new RlpList(
                      RlpString.create(c.validator().bytes()),
                      RlpString.create(new byte[] {c.kind() == VoteKind.ADD ? ADD_BYTE : DROP_BYTE})))
              .orElseGet(() -> RlpString.create(new byte[0])));
      items.add(RlpString.create(ByteBuffer.allocate(4).putInt(round).array()));
    }
    List<RlpType> sealItems = new ArrayList<>();
    for (byte[] seal : seals) {
      sealItems.add(RlpString.create(seal));
    }
    items.add(new RlpList(sealItems));
    return RlpEncoder.encode(new RlpList(items));
  }

  public String toHex(BftConsensus consensus) {
    return Numeric.toHexString(encode(consensus));
  }

  public static BftExtraData decodeHex(BftConsensus consensus, String hex) {
    if (hex == null || hex.isBlank()) {
      throw new IllegalArgumentException("extraData is empty");
    }
    String s = hex.strip();
    String digits = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    if (!digits.matches("[0-9a-fA-F]*") || digits.length() % 2 != 0) {
      throw new IllegalArgumentException("extraData is not an even number of hex digits");
    }
    return decode(consensus, Numeric.hexStringToByteArray(digits));
  }

  public static BftExtraData decode(BftConsensus consensus, byte[] input) {
    if (input.length == 0) {
      throw new IllegalArgumentException("extraData is empty");
    }
    RlpList outer;
    try {
      outer = RlpDecoder.decode(input);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("extraData is not valid RLP");
    }
    if (outer.getValues().size() != 1 || !(outer.getValues().get(0) instanceof RlpList root)) {
      throw new IllegalArgumentException("extraData is not one RLP list");
    }
    List<RlpType> fields = root.getValues();
    if (fields.size() != 5) {
      throw new IllegalArgumentException(
          "extraData has " + fields.size() + " fields, " + consensus + " extraData has 5"
              + " (vanity, validators, vote, round, seals)");
    }
    byte[] vanity = string(fields.get(0), "vanity");
    if (!(fields.get(1) instanceof RlpList validatorList)) {
      throw new IllegalArgumentException("extraData validators field is not a list");
    }
    List<NodeAddress> validators = new ArrayList<>();
    for (RlpType item : validatorList.getValues()) {
      byte[] a = string(item, "validator");
      if (a.length != 20) {
        throw new IllegalArgumentException(
            "extraData names a validator of " + a.length + " bytes, an address is 20");
      }
      validators.add(NodeAddress.of(a));
    }
    Optional<ValidatorChange> vote = decodeVote(consensus, fields.get(2));
    int round = decodeRound(consensus, string(fields.get(3), "round"));
    if (!(fields.get(4) instanceof RlpList sealList)) {
      throw new IllegalArgumentException("extraData seals field is not a list");
    }
    List<byte[]> seals = new ArrayList<>();
    for (RlpType item : sealList.getValues()) {
      seals.add(string(item, "seal"));
    }
    BftExtraData decoded = new BftExtraData(vanity, validators, vote, round, seals);
    // web3j's decoder is lenient (it pads a truncated item); Besu's is strict. Decoding only what
    // re-encodes to the same bytes refuses what Besu would refuse.
    if (!Arrays.equals(decoded.encode(consensus), input)) {
      throw new IllegalArgumentException(
          "extraData is not canonical " + consensus + " RLP (truncated, padded or non-minimal)");
    }
    return decoded;
  }

  private static Optional<ValidatorChange> decodeVote(BftConsensus consensus, RlpType field) {
    if (consensus == BftConsensus.QBFT) {
      if (field instanceof RlpList l && l.getValues().isEmpty()) {
        return Optional.empty();
      }
    } else if (field instanceof RlpString s && s.getBytes().length == 0) {
      return Optional.empty();
    }
    if (!(field instanceof RlpList voteList) || voteList.getValues().size() != 2) {
      throw new IllegalArgumentException(
          "extraData vote is neither absent nor a [recipient, vote] pair for " + consensus
              + " (was this extraData written for the other protocol?)");
    }
    byte[] recipient = string(voteList.getValues().get(0), "vote recipient");
    if (recipient.length != 20) {
      throw new IllegalArgumentException("extraData vote recipient is not a 20-byte address");
    }
    byte[] flag = string(voteList.getValues().get(1), "vote type");
    VoteKind kind;
    if (flag.length == 1 && flag[0] == ADD_BYTE) {
      kind = VoteKind.ADD;
    } else if (consensus == BftConsensus.QBFT && flag.length == 0) {
      kind = VoteKind.REMOVE;
    } else if (consensus == BftConsensus.IBFT2 && flag.length == 1 && flag[0] == DROP_BYTE) {
      kind = VoteKind.REMOVE;
    } else {
      throw new IllegalArgumentException("extraData vote type has an incorrect binary value");
    }
    return Optional.of(new ValidatorChange(NodeAddress.of(recipient), kind));
  }

  private static int decodeRound(BftConsensus consensus, byte[] bytes) {
    if (consensus == BftConsensus.IBFT2) {
      if (bytes.length != 4) {
        throw new IllegalArgumentException(
            "extraData round is " + bytes.length + " bytes, IBFT 2.0 writes 4"
                + " (was this extraData written for QBFT?)");
      }
      return ByteBuffer.wrap(bytes).getInt();
    }
    if (bytes.length > 4 || (bytes.length > 0 && bytes[0] == 0)) {
      throw new IllegalArgumentException(
          "extraData round is not a minimal RLP scalar as QBFT writes it"
              + " (was this extraData written for IBFT 2.0?)");
    }
    BigInteger value = bytes.length == 0 ? BigInteger.ZERO : new BigInteger(1, bytes);
    if (value.bitLength() > 31) {
      throw new IllegalArgumentException("extraData round " + value + " does not fit an int");
    }
    return value.intValue();
  }

  private static byte[] string(RlpType item, String what) {
    if (!(item instanceof RlpString s)) {
      throw new IllegalArgumentException("extraData " + what + " is a list, expected bytes");
    }
    return s.getBytes();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BftExtraData other)) {
      return false;
    }
    if (!Arrays.equals(vanity, other.vanity)
        || !validators.equals(other.validators)
        || !vote.equals(other.vote)
        || round != other.round
        || seals.size() != other.seals.size()) {
      return false;
    }
    for (int i = 0; i < seals.size(); i++) {
      if (!Arrays.equals(seals.get(i), other.seals.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(vanity) * 31 + validators.hashCode() * 17 + vote.hashCode() + round;
  }

  @Override
  public String toString() {
    return "BftExtraData[validators=" + validators + ", vote=" + vote + ", round=" + round
        + ", seals=" + seals.size() + "]";
  }

  @Override
  public byte[] vanity() {
    return vanity.clone();
  }
}
