package io.consortium.operator.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as people write them in flags and Helm values: {@code 64Mi}, {@code 1MiB}, {@code 512k}, {@code 4096}. */
public final class ByteSize {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?)b?", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size: use a number of bytes or a number with Ki, Mi, Gi (for example 64Mi)");
    }
    long value = Long.parseLong(m.group(1));
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    long base = m.group(3).isEmpty() && !unit.isEmpty() ? 1000 : 1024;
    int power = unit.isEmpty() ? 0 : "kmgt".indexOf(unit) + 1;
    long factor = 1;
    for (int i = 0; i < power; i++) {
      factor = Math.multiplyExact(factor, base);
    }
    return Math.multiplyExact(value, factor);
  }

  public static String format(long bytes) {
    String[] units = {"", "Ki", "Mi", "Gi", "Ti"};
    int i = 0;
    long v = bytes;
    while (i < units.length - 1 && v >= 1024 && v % 1024 == 0) {
      v /= 1024;
      i++;
    }
    return v + units[i];
  }
}
