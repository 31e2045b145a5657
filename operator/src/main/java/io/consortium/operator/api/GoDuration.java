package io.consortium.operator.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes users write them (Go's syntax without fractions): 90m, 24h, 1h30m, 500ms. */
public final class GoDuration {

  /** The CRD pattern for a duration field: at most four parts of at most seven digits (so CEL can parse it). */
  public static final String PATTERN = "^([0-9]{1,7}(ms|s|m|h)){1,4}$";

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private GoDuration() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a duration is empty");
    }
    Matcher m = PART.matcher(text.strip());
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      try {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        });
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too long a duration");
      }
      end = m.end();
    }
    if (end != text.strip().length() || end == 0) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 90m, 24h or 1h30m");
    }
    return total;
  }

  /** The way {@link #parse} reads it: 10m, 1h30m, 90s, 500ms. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long hours = duration.toHours();
    long minutes = duration.toMinutesPart();
    long seconds = duration.toSecondsPart();
    long millis = duration.toMillisPart();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (seconds > 0) {
      text.append(seconds).append('s');
    }
    if (millis > 0) {
      text.append(millis).append("ms");
    }
    return text.toString();
  }
}
