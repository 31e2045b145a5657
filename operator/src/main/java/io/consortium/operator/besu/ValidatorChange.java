package io.consortium.operator.besu;

import java.util.Locale;
import java.util.Objects;

/** One change to the validator set: add or remove one address. */
public record ValidatorChange(NodeAddress validator, VoteKind kind) {

  public ValidatorChange {
    Objects.requireNonNull(validator, "validator");
    Objects.requireNonNull(kind, "kind");
  }

  public static ValidatorChange add(NodeAddress validator) {
    return new ValidatorChange(validator, VoteKind.ADD);
  }

  public static ValidatorChange remove(NodeAddress validator) {
    return new ValidatorChange(validator, VoteKind.REMOVE);
  }

  /** Parses {@code add:0x...} or {@code remove:0x...}. */
  public static ValidatorChange parse(String text) {
    String s = text == null ? "" : text.strip();
    int colon = s.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "validator change '" + s + "' must be add:<address> or remove:<address>");
    }
    String verb = s.substring(0, colon).toLowerCase(Locale.ROOT);
    NodeAddress address = NodeAddress.parse(s.substring(colon + 1));
    return switch (verb) {
      case "add" -> add(address);
      case "remove", "drop" -> remove(address);
      default -> throw new IllegalArgumentException(
          "validator change '" + s + "' must start with add: or remove:");
    };
  }

  @Override
  public String toString() {
    return (kind == VoteKind.ADD ? "add " : "remove ") + validator;
  }
}
