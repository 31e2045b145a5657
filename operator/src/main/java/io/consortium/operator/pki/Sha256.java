package io.consortium.operator.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, and its lowercase hex form, the way the operator, Fabric and CCF name bytes and keys. */
public final class Sha256 {

  private Sha256() {}

  /** A fresh SHA-256 digest, for hashing a stream as it goes by. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public static byte[] digest(byte[] bytes) {
    return newDigest().digest(bytes);
  }

  /** Lowercase hex SHA-256 of the bytes. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest(bytes));
  }

  /** Lowercase hex of what a streaming digest has seen (the digest is reset). */
  public static String hex(MessageDigest streaming) {
    return HexFormat.of().formatHex(streaming.digest());
  }
}
