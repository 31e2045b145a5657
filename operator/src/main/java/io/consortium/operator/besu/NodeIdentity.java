package io.consortium.operator.besu;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.math.ec.ECPoint;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * The public identity of a Besu node: its secp256k1 public key, from which its address (the
 * validator address) and its enode ID follow. It holds public material only, so it can be shared;
 * a node key file is read just long enough to derive the public key.
 */
public final class NodeIdentity {

  private static final BigInteger CURVE_ORDER = Sign.CURVE_PARAMS.getN();

  private final byte[] publicKey;

  private NodeIdentity(byte[] publicKey) {
    this.publicKey = publicKey;
  }

  /**
   * A public key as 64 bytes (x || y) or 65 bytes with the uncompressed-point prefix {@code 04},
   * in hex with or without {@code 0x}. A key that is not a point of secp256k1 is refused.
   */
  public static NodeIdentity fromPublicKeyHex(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("public key is empty");
    }
    String s = text.strip();
    String digits = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    if (!digits.matches("[0-9a-fA-F]*")) {
      throw new IllegalArgumentException("public key is not hexadecimal");
    }
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException("public key has an odd number of hex digits");
    }
    byte[] raw = Numeric.hexStringToByteArray(digits);
    return fromPublicKey(raw);
  }

  public static NodeIdentity fromPublicKey(byte[] raw) {
    byte[] xy;
    if (raw.length == 65) {
      if (raw[0] != 0x04) {
        throw new IllegalArgumentException(
            String.format(
                "a 65-byte public key must start with 04 (uncompressed point), found %02x", raw[0]));
      }
      xy = Arrays.copyOfRange(raw, 1, 65);
    } else if (raw.length == 64) {
      xy = raw.clone();
    } else {
      throw new IllegalArgumentException(
          "public key has "
              + raw.length
              + (raw.length == 1 ? " byte" : " bytes")
              + ", expected 64 (or 65 starting with 04); compressed keys are not accepted");
    }
    requireOnCurve(xy);
    return new NodeIdentity(xy);
  }

  /**
   * Reads a Besu node key file (the {@code key} file in Besu's data directory: the private key as
   * 64 hex digits, optionally {@code 0x}-prefixed) and keeps only the public key derived from it.
   */
  public static NodeIdentity fromNodeKeyFile(Path file) throws IOException {
    String content = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
    String digits = content.startsWith("0x") || content.startsWith("0X") ? content.substring(2) : content;
    if (!digits.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(
          "node key file " + file + " does not hold a private key as 64 hex digits");
    }
    BigInteger privateKey = new BigInteger(digits, 16);
    if (privateKey.signum() == 0 || privateKey.compareTo(CURVE_ORDER) >= 0) {
      throw new IllegalArgumentException(
          "node key file " + file + " holds a value outside the secp256k1 private key range");
    }
    byte[] xy = Numeric.toBytesPadded(Sign.publicKeyFromPrivate(privateKey), 64);
    return new NodeIdentity(xy);
  }

  private static void requireOnCurve(byte[] xy) {
    byte[] encoded = new byte[65];
    encoded[0] = 0x04;
    System.arraycopy(xy, 0, encoded, 1, 64);
    try {
      ECPoint point = Sign.CURVE_PARAMS.getCurve().decodePoint(encoded);
      if (!point.isValid()) {
        throw new IllegalArgumentException("public key is not a point on secp256k1");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key is not a point on secp256k1", e);
    }
  }

  /** The 64-byte public key (x || y), without the {@code 04} prefix. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** Last 20 bytes of keccak-256 of the 64-byte public key: the node's validator address. */
  public NodeAddress address() {
    return NodeAddress.of(Keys.getAddress(publicKey));
  }

  /** The enode ID: the public key as 128 lowercase hex digits, no prefix. */
  public String enodeId() {
    return Numeric.toHexStringNoPrefix(publicKey).toLowerCase(Locale.ROOT);
  }

  public EnodeUrl enodeUrl(String host, int port) {
    return new EnodeUrl(enodeId(), host, port, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeIdentity other && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return "NodeIdentity[" + address() + "]";
  }
}
