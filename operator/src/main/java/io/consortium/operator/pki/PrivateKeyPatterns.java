package io.consortium.operator.pki;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Recognises private key material of any key in bytes or text, without knowing the key: PEM blocks
 * whose label names a private key ({@code PRIVATE KEY}, {@code EC PRIVATE KEY}, {@code RSA PRIVATE
 * KEY}, {@code ENCRYPTED PRIVATE KEY}, {@code OPENSSH PRIVATE KEY}, PGP and SSH2 blocks), OpenSSH's
 * binary key format, PuTTY and age key files, and the DER structures of PKCS#8 (plain and
 * encrypted), SEC1 (EC) and PKCS#1 (RSA) or OpenSSL DSA private keys wherever they start.
 *
 * <p>Certificates, public keys, CSRs and signatures never match: each pattern is the whole
 * structure of a private key (its version, the order and types of its fields, and a length that
 * ends exactly where its fields end), which those structures do not have; a PEM label counts only
 * with a body after it, so a text that merely mentions {@code -----BEGIN PRIVATE KEY-----} does
 * not. What is inside base64, hex, JSON or archives is for the caller to decode and hand over.
 */
public final class PrivateKeyPatterns {

  /** A private key found: in which form, and where it starts (a byte or character offset). */
  public record Match(String form, int offset) {
    @Override
    public String toString() {
      return form + " at offset " + offset;
    }
  }

  private static final byte[] OPENSSH_MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final String[] TEXT_MARKERS = {"PuTTY-User-Key-File-", "AGE-SECRET-KEY-1"};
  private static final byte[] PUTTY = TEXT_MARKERS[0].getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AGE = TEXT_MARKERS[1].getBytes(StandardCharsets.US_ASCII);
  private static final String PRIVATE_KEY = "PRIVATE KEY";
  private static final byte[] PRIVATE_KEY_BYTES = PRIVATE_KEY.getBytes(StandardCharsets.US_ASCII);
  /** A PEM block counts when this many base64 characters follow its BEGIN line. */
  private static final int PEM_BODY_MIN = 32;
  private static final byte SEQUENCE = 0x30;
  private static final byte INTEGER = 0x02;
  private static final byte OCTET_STRING = 0x04;
  private static final byte OID = 0x06;
  private static final byte BIT_STRING = 0x03;
  /** 1.2.840.113549.1.5 (PKCS#5 PBES1/PBES2) and 1.2.840.113549.1.12.1 (PKCS#12 PBE). */
  private static final byte[] PKCS5_PBE = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x05};
  private static final byte[] PKCS12_PBE = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x0C, 0x01};

  private PrivateKeyPatterns() {}

  /** The first private key in the bytes: PEM or key-file text in them, or a DER private key structure. */
  public static Optional<Match> find(byte[] data) {
    // One pass, looking only at the bytes a pattern can start with.
    Latin1 text = null;
    for (int i = 0; i < data.length; i++) {
      byte b = data[i];
      if (b == SEQUENCE) {
        String form = i + 2 < data.length ? derKeyAt(data, i) : null;
        if (form != null) {
          return Optional.of(new Match(form, i));
        }
      } else if (b == 'P') {
        if (startsWith(data, i, PRIVATE_KEY_BYTES)) {
          text = text == null ? new Latin1(data) : text;
          Optional<Match> block = pemBlock(text, i);
          if (block.isPresent()) {
            return block;
          }
        } else if (startsWith(data, i, PUTTY)) {
          return Optional.of(new Match("PuTTY private key file", i));
        }
      } else if (b == 'A' && startsWith(data, i, AGE)) {
        return Optional.of(new Match("age secret key", i));
      } else if (b == 'o' && startsWith(data, i, OPENSSH_MAGIC)) {
        return Optional.of(new Match("OpenSSH private key", i));
      }
    }
    return Optional.empty();
  }

  /** The first private key written as text: a PEM block with a private key label and a body, or a key file. */
  public static Optional<Match> inText(CharSequence text) {
    for (int at = indexOf(text, PRIVATE_KEY, 0); at >= 0; at = indexOf(text, PRIVATE_KEY, at + 1)) {
      Optional<Match> block = pemBlock(text, at);
      if (block.isPresent()) {
        return block;
      }
    }
    for (String marker : TEXT_MARKERS) {
      int at = indexOf(text, marker, 0);
      if (at >= 0) {
        return Optional.of(new Match(marker.startsWith("PuTTY") ? "PuTTY private key file" : "age secret key", at));
      }
    }
    return Optional.empty();
  }

  /** The first DER private key structure starting anywhere in the bytes. */
  public static Optional<Match> der(byte[] data) {
    for (int i = 0; i + 2 < data.length; i++) {
      if (data[i] == SEQUENCE) {
        String form = derKeyAt(data, i);
        if (form != null) {
          return Optional.of(new Match(form, i));
        }
      }
    }
    return Optional.empty();
  }

  // ---- PEM -------------------------------------------------------------------------------------

  /** "PRIVATE KEY" at {@code at}: a BEGIN line around it (dashes, BEGIN, a label), then a body. */
  private static Optional<Match> pemBlock(CharSequence text, int at) {
    int begin = lastIndexOf(text, "BEGIN ", at, 48);
    if (begin < 1 || text.charAt(begin - 1) != '-' && !(text.charAt(begin - 1) == ' ' && begin >= 2
        && text.charAt(begin - 2) == '-')) {
      return Optional.empty();
    }
    for (int i = begin + "BEGIN ".length(); i < at; i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ')) {
        return Optional.empty();
      }
    }
    int after = at + PRIVATE_KEY.length();
    if (startsWith(text, after, " BLOCK")) {
      after += " BLOCK".length();
    }
    if (after >= text.length() || text.charAt(after) != '-' && text.charAt(after) != ' ') {
      return Optional.empty();
    }
    while (after < text.length() && (text.charAt(after) == '-' || text.charAt(after) == ' ')) {
      after++;
    }
    if (!hasBody(text, after)) {
      return Optional.empty();
    }
    int dashes = begin - 1;
    while (dashes > 0 && (text.charAt(dashes - 1) == '-' || text.charAt(dashes - 1) == ' ')) {
      dashes--;
    }
    String label = text.subSequence(begin + "BEGIN ".length(), at + PRIVATE_KEY.length()).toString();
    return Optional.of(new Match("PEM " + label, dashes));
  }

  /** Base64 follows the BEGIN line (headers such as Proc-Type may come first), not an END line at once. */
  private static boolean hasBody(CharSequence text, int from) {
    int count = 0;
    int end = Math.min(text.length(), from + 1024);
    for (int i = from; i < end && count < PEM_BODY_MIN; i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < end && (text.charAt(i + 1) == 'n' || text.charAt(i + 1) == 'r'
          || text.charAt(i + 1) == 't')) {
        i++; // a JSON-escaped line break
      } else if (c == '-') {
        return false; // the END line (or the next block) came first
      } else if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
        count++;
      }
    }
    return count >= PEM_BODY_MIN;
  }

  // ---- DER -------------------------------------------------------------------------------------

  /** The private key structure whose outer SEQUENCE starts at {@code pos}, or null. */
  private static String derKeyAt(byte[] d, int pos) {
    long outer = tlv(d, pos, d.length, SEQUENCE);
    if (outer < 0) {
      return null;
    }
    int start = contentStart(outer);
    int end = contentEnd(outer);
    if (end - start < 8) {
      return null;
    }
    if (d[start] == INTEGER) {
      long version = tlv(d, start, end, INTEGER);
      if (version < 0 || contentEnd(version) - contentStart(version) != 1) {
        return null;
      }
      int v = d[contentStart(version)];
      int next = contentEnd(version);
      if ((v == 0 || v == 1) && pkcs8(d, next, end)) {
        return "PKCS#8 private key (DER)";
      }
      if (v == 1 && sec1(d, next, end)) {
        return "SEC1 EC private key (DER)";
      }
      if (v == 0 || v == 1) {
        return integers(d, next, end);
      }
      return null;
    }
    return encryptedPkcs8(d, start, end) ? "encrypted PKCS#8 private key (DER)" : null;
  }

  /** After the version: AlgorithmIdentifier (starting with an OID), OCTET STRING, optional [0] and [1]. */
  private static boolean pkcs8(byte[] d, int pos, int end) {
    long algorithm = tlv(d, pos, end, SEQUENCE);
    if (algorithm < 0 || tlv(d, contentStart(algorithm), contentEnd(algorithm), OID) < 0) {
      return false;
    }
    long key = tlv(d, contentEnd(algorithm), end, OCTET_STRING);
    if (key < 0 || contentEnd(key) == contentStart(key)) {
      return false;
    }
    int at = contentEnd(key);
    at = optional(d, at, end, (byte) 0xA0);
    at = optional(d, at, end, (byte) 0x81);
    at = optional(d, at, end, (byte) 0xA1);
    return at == end;
  }

  /** After version 1: the private scalar (OCTET STRING), optional [0] parameters (an OID) and [1] public key. */
  private static boolean sec1(byte[] d, int pos, int end) {
    long scalar = tlv(d, pos, end, OCTET_STRING);
    if (scalar < 0) {
      return false;
    }
    int size = contentEnd(scalar) - contentStart(scalar);
    if (size < 16 || size > 200) {
      return false;
    }
    int at = contentEnd(scalar);
    if (at < end && d[at] == (byte) 0xA0) {
      long params = tlv(d, at, end, (byte) 0xA0);
      if (params < 0 || tlv(d, contentStart(params), contentEnd(params), OID) < 0) {
        return false;
      }
      at = contentEnd(params);
    }
    if (at < end && d[at] == (byte) 0xA1) {
      long publicKey = tlv(d, at, end, (byte) 0xA1);
      if (publicKey < 0 || tlv(d, contentStart(publicKey), contentEnd(publicKey), BIT_STRING) < 0) {
        return false;
      }
      at = contentEnd(publicKey);
    }
    return at == end;
  }

  /** After the version: PKCS#1 RSA (n e d p q dP dQ qInv) or OpenSSL DSA (p q g y x) INTEGERs, nothing else. */
  private static String integers(byte[] d, int pos, int end) {
    int count = 0;
    int firstSize = 0;
    int at = pos;
    while (at < end && d[at] == INTEGER) {
      long integer = tlv(d, at, end, INTEGER);
      if (integer < 0) {
        return null;
      }
      if (count == 0) {
        firstSize = contentEnd(integer) - contentStart(integer);
      }
      count++;
      at = contentEnd(integer);
    }
    if (count == 8 && at < end) {
      // Multi-prime RSA (version 1) ends with otherPrimeInfos.
      long others = tlv(d, at, end, SEQUENCE);
      at = others < 0 ? -1 : contentEnd(others);
    }
    if (at != end || firstSize < 32) {
      return null;
    }
    return count == 8 ? "PKCS#1 RSA private key (DER)" : count == 5 ? "DSA private key (DER)" : null;
  }

  /** EncryptedPrivateKeyInfo: a PKCS#5 or PKCS#12 password-based AlgorithmIdentifier, then the encrypted key. */
  private static boolean encryptedPkcs8(byte[] d, int start, int end) {
    long algorithm = tlv(d, start, end, SEQUENCE);
    if (algorithm < 0) {
      return false;
    }
    long oid = tlv(d, contentStart(algorithm), contentEnd(algorithm), OID);
    if (oid < 0 || !(regionStartsWith(d, contentStart(oid), contentEnd(oid), PKCS5_PBE)
        || regionStartsWith(d, contentStart(oid), contentEnd(oid), PKCS12_PBE))) {
      return false;
    }
    long data = tlv(d, contentEnd(algorithm), end, OCTET_STRING);
    return data >= 0 && contentEnd(data) - contentStart(data) >= 8 && contentEnd(data) == end;
  }

  private static int optional(byte[] d, int at, int end, byte tag) {
    if (at < 0 || at >= end || d[at] != tag) {
      return at;
    }
    long element = tlv(d, at, end, tag);
    return element < 0 ? -1 : contentEnd(element);
  }

  /**
   * A definite-length TLV with this tag at {@code pos} that fits before {@code end}: its content's
   * start and end packed in a long, or -1.
   */
  private static long tlv(byte[] d, int pos, int end, byte tag) {
    if (pos < 0 || pos + 2 > end || d[pos] != tag) {
      return -1;
    }
    int first = d[pos + 1] & 0xFF;
    int at = pos + 2;
    long length;
    if (first < 0x80) {
      length = first;
    } else {
      int bytes = first & 0x7F;
      if (bytes == 0 || bytes > 4 || at + bytes > end) {
        return -1;
      }
      length = 0;
      for (int i = 0; i < bytes; i++) {
        length = length << 8 | (d[at++] & 0xFF);
      }
    }
    if (at + length > end) {
      return -1;
    }
    return (long) at << 32 | (at + length);
  }

  private static int contentStart(long tlv) {
    return (int) (tlv >>> 32);
  }

  private static int contentEnd(long tlv) {
    return (int) tlv;
  }

  private static boolean regionStartsWith(byte[] d, int start, int end, byte[] prefix) {
    if (end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (d[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  // ---- searching -------------------------------------------------------------------------------

  private static boolean startsWith(byte[] data, int at, byte[] prefix) {
    if (at + prefix.length > data.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(CharSequence text, String needle, int from) {
    if (text instanceof String s) {
      return s.indexOf(needle, from);
    }
    char first = needle.charAt(0);
    for (int i = from; i <= text.length() - needle.length(); i++) {
      if (text.charAt(i) == first && startsWith(text, i, needle)) {
        return i;
      }
    }
    return -1;
  }

  /** The last {@code needle} that starts within {@code window} characters before {@code before}. */
  private static int lastIndexOf(CharSequence text, String needle, int before, int window) {
    for (int i = before - needle.length(); i >= Math.max(0, before - window); i--) {
      if (startsWith(text, i, needle)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(CharSequence text, int at, String prefix) {
    if (at < 0 || at + prefix.length() > text.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (text.charAt(at + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Bytes read as ISO-8859-1 characters, without copying them into a String. */
  private record Latin1(byte[] bytes) implements CharSequence {
    @Override
    public int length() {
      return bytes.length;
    }

    @Override
    public char charAt(int index) {
      return (char) (bytes[index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
