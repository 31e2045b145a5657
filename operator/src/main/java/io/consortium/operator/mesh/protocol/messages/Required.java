package io.consortium.operator.mesh.protocol.messages;

import java.util.List;

/** The checks message bodies make in their constructors: a missing field is named. */
final class Required {

  private Required() {}

  static <T> T present(T value, String message, String field) {
    if (value == null) {
      throw new IllegalArgumentException(message + " has no " + field);
    }
    return value;
  }

  static String text(String value, String message, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(message + " has no " + field);
    }
    return value;
  }

  /**
   * A word that names something (a kind, a UID): letters, digits, '-', '.', '_' and ':' only, at most
   * 253 characters. What a peer names reaches logs, labels and status: nothing else may travel in it.
   */
  static String identifier(String value, String message, String field) {
    text(value, message, field);
    if (value.length() > 253 || !value.matches("[A-Za-z0-9._:-]+")) {
      throw new IllegalArgumentException(message + "'s " + field + " is not an identifier (letters, digits, '-', '.',"
          + " '_', ':'; at most 253)");
    }
    return value;
  }

  static long revision(long revision, String message) {
    if (revision < 1) {
      throw new IllegalArgumentException(message + " has no revision (it must be 1 or more, got " + revision + ")");
    }
    return revision;
  }

  static <T> List<T> list(List<T> values, String message, String field) {
    if (values == null) {
      throw new IllegalArgumentException(message + " has no " + field);
    }
    for (T value : values) {
      if (value == null) {
        throw new IllegalArgumentException(message + " has an empty entry in " + field);
      }
    }
    return List.copyOf(values);
  }

  static String sha256Hex(String value, String message, String field) {
    text(value, message, field);
    if (!value.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(message + "'s " + field + " is not 64 lowercase hex digits: " + value);
    }
    return value;
  }
}
