package io.consortium.operator.fabric.chaincode;

import io.consortium.operator.pki.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * A chaincode package ID as Fabric's peer computes it: {@code label + ":" + hex(sha256(package
 * file))}, the hash taken over the whole outer {@code .tar.gz} exactly as received. Two orgs get the
 * same ID only from the same bytes.
 */
public record PackageId(PackageLabel label, String sha256Hex) {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public PackageId {
    if (!HEX.matcher(sha256Hex).matches()) {
      throw new IllegalArgumentException("package ID hash must be 64 lowercase hex digits, got '" + sha256Hex + "'");
    }
  }

  /** Parses {@code label:hex}, e.g. from {@code peer lifecycle chaincode queryinstalled}. */
  public static PackageId parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("package ID '" + text + "' has no ':' between label and hash");
    }
    return new PackageId(new PackageLabel(text.substring(0, colon)), text.substring(colon + 1));
  }

  /** The ID of the package read from {@code packageFile}, hashed as it streams by. */
  public static PackageId of(PackageLabel label, InputStream packageFile) throws IOException {
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = packageFile.read(buffer)) > 0; ) {
      sha256.update(buffer, 0, n);
    }
    return new PackageId(label, Sha256.hex(sha256));
  }

  static MessageDigest sha256() {
    return Sha256.newDigest();
  }

  @Override
  public String toString() {
    return label.value() + ":" + sha256Hex;
  }
}
