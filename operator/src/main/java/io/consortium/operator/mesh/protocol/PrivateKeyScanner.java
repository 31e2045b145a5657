package io.consortium.operator.mesh.protocol;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * Looks for known private keys in frames: the check behind "no private key ever crosses the
 * wire". For each key it knows the forms a key takes: PKCS#8 DER, the inner SEC1 (EC) or PKCS#1
 * (RSA) DER, and the bare secret (EC scalar, big-endian at the curve's size; RSA private exponent).
 * It finds each form raw, as hex, and as base64 or base64url at any alignment (so also inside a
 * larger base64 blob, and in PEM once line breaks and JSON escapes are taken out); and it decodes
 * the base64 and hex tokens of a frame (a JWS part, a JSON string, a PEM body) and looks again,
 * a few layers deep, so a PEM inside a JSON body inside a JWS payload is found.
 *
 * <p>Only private material is searched for: public keys and certificates never match. A test tool:
 * it costs a few passes over every frame.
 */
public final class PrivateKeyScanner {

  /** One key found in a frame: which key, in which form, how many decoding layers down. */
  public record Finding(String key, String form, String rendering, int layer) {}

  private record Needle(String key, String form, byte[] bytes, List<String> base64Middles, String hex) {}

  private static final int MAX_LAYERS = 4;
  /** The shortest token worth decoding: base64 of the shortest needle, a 32-byte scalar. */
  private static final int MIN_TOKEN = 42;

  private final List<Needle> needles = new ArrayList<>();

  private PrivateKeyScanner(Map<String, PrivateKey> keys) {
    keys.forEach((label, key) -> forms(key).forEach((form, bytes) -> needles.add(needle(label, form, bytes))));
  }

  /** @param keys the keys to look for, by a label that findings name */
  public static PrivateKeyScanner of(Map<String, PrivateKey> keys) {
    return new PrivateKeyScanner(new LinkedHashMap<>(keys));
  }

  public static PrivateKeyScanner of(List<PrivateKey> keys) {
    Map<String, PrivateKey> labelled = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      labelled.put("key " + (i + 1) + " (" + keys.get(i).getAlgorithm() + ")", keys.get(i));
    }
    return new PrivateKeyScanner(labelled);
  }

  public boolean containsAny(byte[] frame) {
    return !scan(frame).isEmpty();
  }

  public boolean containsAny(String frame) {
    return containsAny(frame.getBytes(StandardCharsets.UTF_8));
  }

  /** Every key form found in the frame, once each. */
  public List<Finding> scan(byte[] frame) {
    Set<Finding> findings = new LinkedHashSet<>();
    scan(frame, 0, findings);
    return List.copyOf(findings);
  }

  private void scan(byte[] data, int layer, Set<Finding> findings) {
    for (Needle needle : needles) {
      if (indexOf(data, needle.bytes()) >= 0) {
        findings.add(new Finding(needle.key(), needle.form(), "binary", layer));
      }
    }
    String text = normalized(new String(data, StandardCharsets.ISO_8859_1));
    String lower = text.toLowerCase(Locale.ROOT);
    for (Needle needle : needles) {
      if (lower.contains(needle.hex())) {
        findings.add(new Finding(needle.key(), needle.form(), "hex", layer));
      }
      for (String middle : needle.base64Middles()) {
        if (text.contains(middle)) {
          findings.add(new Finding(needle.key(), needle.form(), "base64", layer));
        } else if (text.contains(middle.replace('+', '-').replace('/', '_'))) {
          findings.add(new Finding(needle.key(), needle.form(), "base64url", layer));
        }
      }
    }
    if (layer + 1 < MAX_LAYERS) {
      for (byte[] decoded : decodedTokens(text)) {
        scan(decoded, layer + 1, findings);
      }
    }
  }

  /** The text with whitespace and JSON's escapes of it removed, so a PEM body is one token. */
  private static String normalized(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (next == 'n' || next == 'r' || next == 't') {
          i++;
          continue;
        }
        if (next == '/') {
          out.append('/');
          i++;
          continue;
        }
      }
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Base64/base64url and hex tokens long enough to hold a key, decoded. */
  private static List<byte[]> decodedTokens(String text) {
    List<byte[]> decoded = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean inToken = i < text.length() && isBase64Char(text.charAt(i));
      if (inToken && start < 0) {
        start = i;
      } else if (!inToken && start >= 0) {
        // PEM armour lines become "-----BEGIN...-----" inside a base64url run: cut there.
        for (String piece : text.substring(start, i).split("-----")) {
          decode(piece, decoded);
        }
        start = -1;
      }
    }
    return decoded;
  }

  private static void decode(String token, List<byte[]> out) {
    if (token.length() < MIN_TOKEN) {
      return;
    }
    if (token.length() % 2 == 0 && token.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      out.add(HexFormat.of().parseHex(token));
    }
    String standard = token.replace('-', '+').replace('_', '/');
    if (standard.length() % 4 == 1) {
      standard = standard.substring(0, standard.length() - 1);
    }
    try {
      out.add(Base64.getDecoder().decode(standard));
    } catch (IllegalArgumentException notBase64) {
      // A token of base64 letters that does not decode is no base64 layer.
    }
  }

  private static boolean isBase64Char(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
        || c == '+' || c == '/' || c == '-' || c == '_';
  }

  private static Needle needle(String key, String form, byte[] bytes) {
    List<String> middles = new ArrayList<>();
    for (int offset = 0; offset < 3; offset++) {
      byte[] shifted = new byte[offset + bytes.length];
      System.arraycopy(bytes, 0, shifted, offset, bytes.length);
      String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
      // Keep the characters that depend on the key's bytes alone, whatever surrounds them.
      int from = offset == 0 ? 0 : 4;
      int to = 4 * (shifted.length / 3);
      middles.add(encoded.substring(from, to));
    }
    return new Needle(key, form, bytes, middles, HexFormat.of().formatHex(bytes));
  }

  /** The byte forms a key takes, most specific first. */
  private static Map<String, byte[]> forms(PrivateKey key) {
    Map<String, byte[]> forms = new LinkedHashMap<>();
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null) {
      throw new IllegalArgumentException("the " + key.getAlgorithm() + " key has no encoding to look for (a hardware key?)");
    }
    forms.put("PKCS#8 DER", pkcs8);
    try {
      ASN1Encodable inner = PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey();
      if (key instanceof ECPrivateKey ec) {
        forms.put("SEC1 DER", inner.toASN1Primitive().getEncoded(ASN1Encoding.DER));
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        forms.put("EC scalar", unsigned(ec.getS(), size));
      } else if (key instanceof RSAPrivateKey rsa) {
        forms.put("PKCS#1 DER", inner.toASN1Primitive().getEncoded(ASN1Encoding.DER));
        forms.put("RSA private exponent", unsigned(rsa.getPrivateExponent(), (rsa.getModulus().bitLength() + 7) / 8));
      } else if (inner instanceof ASN1OctetString octets) {
        forms.put("raw private key", octets.getOctets());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the " + key.getAlgorithm() + " key's PKCS#8 encoding cannot be read: " + e.getMessage());
    }
    return forms;
  }

  /** Big-endian, left-padded to {@code size} bytes, as keys are written on the wire. */
  private static byte[] unsigned(BigInteger value, int size) {
    byte[] bytes = value.toByteArray();
    if (bytes.length == size) {
      return bytes;
    }
    if (bytes.length > size) {
      return Arrays.copyOfRange(bytes, bytes.length - size, bytes.length);
    }
    byte[] padded = new byte[size];
    System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
    return padded;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
