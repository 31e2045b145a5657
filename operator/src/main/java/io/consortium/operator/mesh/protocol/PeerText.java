package io.consortium.operator.mesh.protocol;

/**
 * Text a peer chose (an ERROR's message, a close reason, a name, a refusal's words), made fit for one
 * log line, a condition message or an Event: control and format characters (newlines, escape
 * sequences, bidirectional overrides) are written as {@code \n}, {@code \u001b} and the like, so
 * that a peer can never start a line of its own in our log, and the length is bounded.
 *
 * <p>Whatever a peer says passes through {@link #safe} before it is logged or shown; our own text
 * around it is left as it is.
 */
public final class PeerText {

  /** At most this many characters of a peer's text are kept; the rest is counted, not shown. */
  public static final int MAX_LENGTH = 300;

  private PeerText() {}

  /** The text with control and format characters escaped and at most {@link #MAX_LENGTH} characters kept. */
  public static String safe(String text) {
    return safe(text, MAX_LENGTH);
  }

  public static String safe(String text, int maxLength) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 16);
    int kept = 0;
    int i = 0;
    while (i < text.length() && kept < maxLength) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      kept++;
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (unsafe(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    }
    if (i < text.length()) {
      out.append("...(").append(text.length() - i).append(" more characters)");
    }
    return out.toString();
  }

  /**
   * Characters that could make a line look like another: C0/C1 controls, DEL, line and paragraph
   * separators, bidirectional embeddings and isolates, and other invisible format characters.
   */
  private static boolean unsafe(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED;
  }
}
