package io.consortium.operator.mesh.protocol;

/**
 * Text a peer wrote, made safe to show: in a log line, a status message or an Event. Control and
 * format characters (newlines, carriage returns, bidirectional overrides) are written as
 * {@code \\uXXXX} escapes, so that peer text can never start a line of its own or hide what follows,
 * and the whole is cut to a bound.
 */
public final class PeerText {

  private PeerText() {}

  /** {@code text} escaped and cut to at most {@code limit} characters (plus a marker when cut); "" for null. */
  public static String of(String text, int limit) {
    if (text == null) {
      return "";
    }
    StringBuilder safe = new StringBuilder(Math.min(text.length(), limit) + 16);
    for (int i = 0; i < text.length(); i++) {
      if (safe.length() >= limit) {
        return safe.append("...(").append(text.length() - i).append(" more characters)").toString();
      }
      char c = text.charAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE && !validPair(text, i)) {
        safe.append(String.format("\\u%04x", (int) c));
      } else {
        safe.append(c);
      }
    }
    return safe.toString();
  }

  private static boolean validPair(String text, int i) {
    char c = text.charAt(i);
    return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
