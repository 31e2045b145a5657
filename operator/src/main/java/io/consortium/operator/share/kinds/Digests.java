package io.consortium.operator.share.kinds;

import io.consortium.operator.share.ShareKind.InvalidShareSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** SHA-256 of payload bytes, and the check a receiver makes before keeping them. */
final class Digests {

  private Digests() {}

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Refuses bytes (base64) that do not hash to what the sender claimed; absent bytes need no digest. */
  static void check(String base64, String claimedSha256, String what) throws InvalidShareSource {
    if (base64 == null) {
      return;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("PayloadInvalid", "the " + what + " is not base64");
    }
    String actual = sha256Hex(bytes);
    if (!actual.equals(claimedSha256)) {
      throw new InvalidShareSource("DigestMismatch", "the " + what + " hashes to " + actual + ", not to the "
          + claimedSha256 + " the sender claimed");
    }
  }
}
