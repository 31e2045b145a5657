package io.consortium.operator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names the operator makes from names it was given ({@code <keyshare>-key}, {@code <pairing>-invitation},
 * {@code <pairing>-<name from a peer>}, label values), valid for the API server whatever the input:
 * DNS-1123 subdomains of at most 253 characters for resource names, at most 63 for labels and for
 * names that must be DNS labels (Services). An input that is already valid and short enough is kept
 * as it is; otherwise it is lower-cased, every other character becomes '-', and a hash of the
 * original is appended, so that two different inputs never end up with one name.
 */
public final class ResourceNames {

  public static final int SUBDOMAIN_MAX = 253;
  public static final int LABEL_MAX = 63;
  /** A DNS-1123 subdomain, as the CRDs' patterns write it (with {@link #SUBDOMAIN_MAX} as maxLength). */
  public static final String SUBDOMAIN_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  /** A DNS-1123 label (with {@link #LABEL_MAX} as maxLength): the names of PeerPairings. */
  public static final String LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /** A key of a Secret's or ConfigMap's data. */
  public static final String DATA_KEY_PATTERN = "^[-._a-zA-Z0-9]+$";

  private static final Pattern SUBDOMAIN = Pattern.compile(SUBDOMAIN_PATTERN);
  private static final Pattern LABEL = Pattern.compile(LABEL_PATTERN);
  private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
  private static final int HASH_LENGTH = 10;

  private ResourceNames() {}

  /** Whether a real API server accepts this as the name of most kinds (a DNS-1123 subdomain). */
  public static boolean isSubdomain(String name) {
    return name != null && name.length() <= SUBDOMAIN_MAX && SUBDOMAIN.matcher(name).matches();
  }

  public static boolean isLabel(String name) {
    return name != null && name.length() <= LABEL_MAX && LABEL.matcher(name).matches();
  }

  /** A resource name: {@code base + suffix} when that is valid, else made valid (see the class comment). */
  public static String derived(String base, String suffix) {
    return derive(base, suffix, SUBDOMAIN_MAX, true);
  }

  /** A Service's name (a DNS-1035 label: at most 63, no dots, a letter first). */
  public static String serviceName(String base) {
    String text = base == null ? "" : base;
    if (text.length() <= LABEL_MAX && SERVICE.matcher(text).matches()) {
      return text;
    }
    String name = derive(text, "", LABEL_MAX - 2, false);
    return Character.isLetter(name.charAt(0)) ? name : "s-" + name;
  }

  /** A label value: the text itself when it is one, else made one (at most 63 characters, hashed). */
  public static String labelValue(String text) {
    String value = text == null ? "" : text;
    if (value.length() <= LABEL_MAX && LABEL_VALUE.matcher(value).matches()) {
      return value;
    }
    return derive(value, "", LABEL_MAX, false);
  }

  private static String derive(String base, String suffix, int max, boolean dots) {
    String text = (base == null ? "" : base) + suffix;
    boolean valid = dots ? isSubdomain(text) : isLabel(text);
    if (valid) {
      return text;
    }
    String hash = hash(text);
    String cleanSuffix = clean(suffix, dots);
    String cleanBase = clean(base == null ? "" : base, dots);
    int room = max - HASH_LENGTH - 1 - (cleanSuffix.isEmpty() ? 0 : cleanSuffix.length() + 1);
    if (room < 1) {
      // A suffix too long to keep: the hash alone names it.
      return "x" + hash;
    }
    String head = cleanBase.length() > room ? cleanBase.substring(0, room) : cleanBase;
    head = trimEnds(head);
    StringBuilder name = new StringBuilder();
    if (!head.isEmpty()) {
      name.append(head).append('-');
    }
    name.append(hash);
    if (!cleanSuffix.isEmpty()) {
      name.append('-').append(cleanSuffix);
    }
    return name.toString();
  }

  /** Lower case, every character a name cannot have as '-', no leading or trailing '-' or '.'. */
  private static String clean(String text, boolean dots) {
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || dots && c == '.';
      out.append(ok ? c : '-');
    }
    String cleaned = out.toString().replaceAll("-*\\.-*", ".").replaceAll("\\.{2,}", ".");
    return trimEnds(cleaned);
  }

  private static String trimEnds(String text) {
    return text.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
