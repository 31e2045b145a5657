package io.consortium.operator.fabric.chaincode;

import java.util.regex.Pattern;

/**
 * The human-readable label of a chaincode package, the part of the package ID before the colon.
 * Fabric's rule ({@code core/chaincode/persistence}): {@code ^[[:alnum:]][[:alnum:]_.+-]*$}, where
 * Go's {@code [[:alnum:]]} is ASCII only.
 */
public record PackageLabel(String value) {

  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");

  public PackageLabel {
    if (value == null || !RULE.matcher(value).matches()) {
      throw new InvalidChaincodePackageException(
          "invalid label '" + (value == null ? "" : value) + "': a label must be non-empty, consist of"
              + " alphanumerics and '.+-_', and begin with an alphanumeric");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
