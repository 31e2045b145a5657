package io.consortium.operator.besu;

import java.util.Locale;
import java.util.regex.Pattern;
import org.web3j.utils.Numeric;

/**
 * A 20-byte Ethereum address as Besu names validators: {@code 0x} and 40 lowercase hex digits.
 * Lowercase hex of a fixed length orders exactly as the unsigned bytes do, so the natural order
 * of this record is the ascending order Besu keeps its validator set in.
 */
public record NodeAddress(String hex) implements Comparable<NodeAddress> {

  private static final Pattern FORM = Pattern.compile("0x[0-9a-f]{40}");

  public NodeAddress {
    if (hex == null || !FORM.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a normalized address: " + hex);
    }
  }

  /** Parses {@code 0x}-prefixed or bare hex of 20 bytes, any case. */
  public static NodeAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("address is empty");
    }
    String s = text.strip();
    String digits = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    if (!digits.matches("[0-9a-fA-F]*")) {
      throw new IllegalArgumentException("address '" + s + "' is not hexadecimal");
    }
    if (digits.length() != 40) {
      throw new IllegalArgumentException(
          "address '" + s + "' has " + digits.length() + " hex digits, an address has 40 (20 bytes)");
    }
    return new NodeAddress("0x" + digits.toLowerCase(Locale.ROOT));
  }

  public static NodeAddress of(byte[] twentyBytes) {
    if (twentyBytes.length != 20) {
      throw new IllegalArgumentException(
          "an address is 20 bytes, found " + twentyBytes.length + " bytes");
    }
    return new NodeAddress(Numeric.toHexString(twentyBytes));
  }

  public byte[] bytes() {
    return Numeric.hexStringToByteArray(hex);
  }

  @Override
  public int compareTo(NodeAddress other) {
    return hex.compareTo(other.hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
