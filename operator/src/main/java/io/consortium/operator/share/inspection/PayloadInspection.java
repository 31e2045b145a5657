package io.consortium.operator.share.inspection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consortium.operator.pki.PrivateKeyPatterns;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * The one check every share's payload passes on both sides, whatever its kind: the origin runs it
 * before anything is sent, the receiver before anything is stored. It refuses
 *
 * <ul>
 *   <li>{@value #PRIVATE_KEY_MATERIAL}: private key material of any key, in any of the forms
 *       {@link PrivateKeyPatterns} knows (PEM blocks, OpenSSH, PKCS#8 plain and encrypted, SEC1,
 *       PKCS#1 and DSA DER), and JWK objects with a private part ({@code d}, or {@code k} of a
 *       symmetric key) and values of JSON fields named {@code privateKey} (as Besu's sample genesis
 *       files carry their accounts' keys), wherever it sits: in a JSON string, in base64 or hex inside one, in JSON
 *       inside text, in gzip, tar and zip archives and archives inside them;
 *   <li>{@value #UNSAFE_ARCHIVE}: a tar or zip entry with an absolute path or a {@code ..} segment,
 *       a symbolic or hard link, a device or FIFO, an encrypted zip entry, an archive that cannot be
 *       read to its end, nested deeper than the scan goes, or that expands beyond what it may.
 * </ul>
 *
 * <p>Its work is bounded, so that a compression bomb costs little: archives nest at most
 * {@link Limits#maxArchiveDepth} deep, decompressed bytes total at most {@link Limits#maxExpandedBytes},
 * a stream may not expand more than {@link Limits#maxRatio}-fold past its first MiB, and content is
 * read in windows of {@link Limits#window} bytes. Encodings (base64, hex, JSON in a string) are
 * followed {@link Limits#maxDecodeDepth} deep. Certificates, public keys, CSRs and arbitrary bytes
 * pass: only whole private key structures match.
 */
public final class PayloadInspection {

  public static final String PRIVATE_KEY_MATERIAL = "PrivateKeyMaterial";
  public static final String UNSAFE_ARCHIVE = "UnsafeArchive";

  /** How far the scan goes. */
  public record Limits(int maxArchiveDepth, int maxDecodeDepth, long maxExpandedBytes, int maxRatio, int window) {
    public static final Limits DEFAULT = new Limits(8, 4, 256L << 20, 200, 16 << 20);
  }

  /** Why a payload is refused, and where in it the reason sits. */
  public record Finding(String reason, String message) {
    public InvalidShareSource refusal() {
      return new InvalidShareSource(reason, message);
    }
  }

  /** The inspection every share kind goes through, with the default limits. */
  public static final PayloadInspection SHARES = new PayloadInspection(Limits.DEFAULT);

  /** The shortest run worth decoding: 36 bytes, shorter than any private key (a bare SEC1 P-256 key is 39). */
  private static final int MIN_BASE64 = 48;
  private static final int MIN_HEX = 72;
  /** Content that must be seen whole to be understood (JSON, a zip's directory) is read up to this. */
  private static final int OVERLAP = 64 << 10;
  private static final int MAX_NAME = 160;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** JSON field names (lowercase, without - and _) whose value is a private key whatever its encoding. */
  private static final java.util.Set<String> SECRET_FIELDS = java.util.Set.of("privatekey", "privkey", "secretkey");

  private final Limits limits;

  public PayloadInspection(Limits limits) {
    this.limits = limits;
  }

  /** Refuses a payload that holds private key material or an unsafe archive ({@link InvalidShareSource}). */
  public void check(JsonNode payload) throws InvalidShareSource {
    Optional<Finding> finding = inspect(payload);
    if (finding.isPresent()) {
      throw finding.get().refusal();
    }
  }

  public Optional<Finding> inspect(JsonNode payload) {
    return run(scan -> scan.json(payload, "the payload", 0));
  }

  public Optional<Finding> inspect(byte[] bytes) {
    return run(scan -> scan.bytes(bytes, "the bytes", 0, 0));
  }

  private Optional<Finding> run(java.util.function.Consumer<Scan> what) {
    try {
      what.accept(new Scan());
      return Optional.empty();
    } catch (Stop stop) {
      return Optional.of(stop.finding);
    }
  }

  /** Thrown to end a scan at its first finding. */
  private static final class Stop extends RuntimeException {
    final Finding finding;

    Stop(Finding finding) {
      super(finding.message(), null, false, false);
      this.finding = finding;
    }
  }

  /** One scan: its budget of expanded bytes. */
  private final class Scan {
    private long expanded;

    // ---- JSON and text -------------------------------------------------------------------------

    void json(JsonNode node, String where, int decodes) {
      if (node.isObject()) {
        JsonNode kty = node.get("kty");
        if (kty != null && kty.isTextual()) {
          if (node.path("d").isTextual()) {
            throw privateKey("a JWK private key (" + kty.asText() + ", with \"d\")", where);
          }
          if ("oct".equals(kty.asText()) && node.path("k").isTextual()) {
            throw privateKey("a JWK secret key (oct, with \"k\")", where);
          }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          if (SECRET_FIELDS.contains(field.getKey().toLowerCase(java.util.Locale.ROOT).replaceAll("[_-]", ""))
              && field.getValue().isTextual() && !field.getValue().asText().isBlank()
              && !field.getValue().asText().contains("{{")) {
            // Besu's sample genesis files carry their accounts' keys this way: a bare hex scalar.
            throw privateKey("a value in a field named \"" + name(field.getKey()) + "\"", where);
          }
          json(field.getValue(), where.equals("the payload") ? name(field.getKey()) : where + "." + name(field.getKey()),
              decodes);
        }
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          json(node.get(i), where + "[" + i + "]", decodes);
        }
      } else if (node.isTextual()) {
        text(node.asText(), where, decodes);
      } else if (node.isBinary()) {
        try {
          bytes(node.binaryValue(), where, 0, decodes + 1);
        } catch (IOException e) {
          // A binary node always has its value.
        }
      }
    }

    void text(CharSequence text, String where, int decodes) {
      PrivateKeyPatterns.inText(text).ifPresent(match -> {
        throw privateKey("a private key (" + match.form() + ")", where);
      });
      if (text instanceof String string && isBinary(string)) {
        // Raw bytes carried as characters (JSON's \u0000 escapes): a DER key in them is as bad.
        byte[] raw = string.chars().allMatch(c -> c <= 0xFF) ? string.getBytes(StandardCharsets.ISO_8859_1)
            : string.getBytes(StandardCharsets.UTF_8);
        PrivateKeyPatterns.find(raw).ifPresent(match -> {
          throw privateKey("a private key (" + match.form() + ")", where);
        });
      }
      if (decodes >= limits.maxDecodeDepth()) {
        return;
      }
      int first = firstNonBlank(text);
      if (first >= 0 && (text.charAt(first) == '{' || text.charAt(first) == '[') && text.length() <= limits.window()) {
        JsonNode parsed = parseJson(text.toString());
        if (parsed != null) {
          json(parsed, where + " > JSON", decodes + 1);
        }
      }
      decodeTokens(text.toString().getBytes(StandardCharsets.UTF_8), where, decodes);
    }

    private void decodeTokens(byte[] text, String where, int decodes) {
      for (Token token : tokens(text)) {
        byte[] decoded = token.decode();
        if (decoded != null) {
          bytes(decoded, where + " > " + token.encoding(), 0, decodes + 1);
        }
      }
    }

    // ---- bytes ---------------------------------------------------------------------------------

    void bytes(byte[] data, String where, int archives, int decodes) {
      try {
        stream(new ByteArrayInputStream(data), where, archives, decodes);
      } catch (IOException e) {
        throw unsafe(where + " cannot be read: " + e.getMessage());
      }
    }

    /** Content of unknown kind: an archive is opened, anything else is read in windows and looked at. */
    void stream(InputStream raw, String where, int archives, int decodes) throws IOException {
      BufferedInputStream in = new BufferedInputStream(raw, 8192);
      in.mark(512);
      byte[] head = in.readNBytes(512);
      in.reset();
      if (isGzip(head)) {
        enter(archives, where);
        Counted compressed = new Counted(in);
        GZIPInputStream gunzip;
        try {
          // Small reads of the compressed side, so that the ratio is known early.
          gunzip = new GZIPInputStream(compressed, 8 << 10);
        } catch (IOException e) {
          throw unsafe(where + " is gzip that cannot be read: " + e.getMessage());
        }
        expanding(gunzip, compressed, where + " > gzip", archives + 1, decodes);
      } else if (isTar(head)) {
        enter(archives, where);
        tar(in, where, archives + 1, decodes);
      } else if (isZip(head)) {
        enter(archives, where);
        zip(readBounded(in, where), where, archives + 1, decodes);
      } else {
        plain(in, where, archives, decodes);
      }
    }

    /** Decompressed content, counted against the budget and the ratio as it is read. */
    private void expanding(InputStream decompressed, Counted compressed, String where, int archives, int decodes)
        throws IOException {
      InputStream budgeted = new FilterInputStream(decompressed) {
        private long produced;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n;
          try {
            n = super.read(b, off, len);
          } catch (IOException e) {
            throw unsafe(where + " cannot be decompressed: " + e.getMessage());
          }
          if (n > 0) {
            produced += n;
            spend(n, where);
            if (produced > (1 << 20) && produced > (long) limits.maxRatio() * Math.max(1, compressed.count)) {
              throw unsafe(where + " expands more than " + limits.maxRatio() + "-fold (" + produced + " bytes from "
                  + compressed.count + "): a compression bomb is not opened");
            }
          }
          return n;
        }
      };
      stream(budgeted, where, archives, decodes);
    }

    private void tar(InputStream in, String where, int archives, int decodes) throws IOException {
      TarArchiveInputStream tar = new TarArchiveInputStream(in);
      while (true) {
        TarArchiveEntry entry;
        try {
          entry = tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
          throw unsafe(where + " is a tar archive that cannot be read to its end: " + e.getMessage());
        }
        if (entry == null) {
          return;
        }
        String name = entry.getName();
        String at = where + " > tar entry " + name(name);
        unsafePath(name, at);
        if (entry.isSymbolicLink() || entry.isLink()) {
          throw unsafe(at + " is a " + (entry.isSymbolicLink() ? "symbolic" : "hard") + " link (to "
              + name(entry.getLinkName()) + "): links are not allowed in a shared archive");
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
          throw unsafe(at + " is a " + (entry.isFIFO() ? "FIFO" : "device file")
              + ": only regular files and directories are allowed in a shared archive");
        }
        if (!entry.isDirectory()) {
          stream(new Unclosable(tar), at, archives, decodes);
        }
      }
    }

    private void zip(byte[] data, String where, int archives, int decodes) throws IOException {
      ZipFile zip;
      try {
        zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(data)).get();
      } catch (IOException | RuntimeException e) {
        throw unsafe(where + " is a zip archive that cannot be read: " + e.getMessage());
      }
      try (zip) {
        for (Enumeration<ZipArchiveEntry> entries = zip.getEntries(); entries.hasMoreElements(); ) {
          ZipArchiveEntry entry = entries.nextElement();
          String at = where + " > zip entry " + name(entry.getName());
          unsafePath(entry.getName(), at);
          int type = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() & 0170000 : 0;
          if (entry.isUnixSymlink() || type == 0120000) {
            throw unsafe(at + " is a symbolic link: links are not allowed in a shared archive");
          }
          if (type == 0020000 || type == 0060000 || type == 0010000) {
            throw unsafe(at + " is a device file or FIFO: only regular files and directories are allowed in a shared"
                + " archive");
          }
          if (entry.getGeneralPurposeBit().usesEncryption()) {
            throw unsafe(at + " is encrypted: what it holds cannot be checked");
          }
          if (entry.isDirectory()) {
            continue;
          }
          Counted compressed = new Counted(InputStream.nullInputStream());
          compressed.count = Math.max(1, entry.getCompressedSize());
          try (InputStream content = zip.getInputStream(entry)) {
            expanding(content, compressed, at, archives, decodes);
          }
        }
      }
    }

    /** Not an archive: private keys in each window, then what is encoded in it. */
    private void plain(InputStream in, String where, int archives, int decodes) throws IOException {
      int window = Math.max(limits.window(), 2 * OVERLAP);
      byte[] carry = in.readNBytes(window);
      byte[] next = in.readNBytes(window - OVERLAP);
      look(carry, where, decodes, next.length == 0);
      // Larger than a window: windows overlapping by what a key structure or PEM block needs.
      while (next.length > 0) {
        byte[] joined = new byte[OVERLAP + next.length];
        System.arraycopy(carry, carry.length - OVERLAP, joined, 0, OVERLAP);
        System.arraycopy(next, 0, joined, OVERLAP, next.length);
        look(joined, where, decodes, false);
        carry = joined;
        next = in.readNBytes(window - OVERLAP);
      }
    }

    private void look(byte[] data, String where, int decodes, boolean whole) {
      PrivateKeyPatterns.find(data).ifPresent(match -> {
        throw privateKey("a private key (" + match.form() + ")", where);
      });
      if (decodes >= limits.maxDecodeDepth()) {
        return;
      }
      int first = firstNonBlank(new Latin1(data));
      if (whole && first >= 0 && (data[first] == '{' || data[first] == '[')) {
        JsonNode parsed = parseJson(new String(data, StandardCharsets.UTF_8));
        if (parsed != null) {
          json(parsed, where + " > JSON", decodes + 1);
        }
      }
      decodeTokens(data, where, decodes);
    }

    private byte[] readBounded(InputStream in, String where) throws IOException {
      long room = Math.min(limits.window(), limits.maxExpandedBytes() - expanded);
      byte[] data = in.readNBytes((int) Math.max(0, room) + 1);
      if (data.length > room) {
        throw unsafe(where + " is a zip archive larger than " + room + " bytes: it is not opened");
      }
      return data;
    }

    private void enter(int archives, String where) {
      if (archives >= limits.maxArchiveDepth()) {
        throw unsafe(where + " nests archives more than " + limits.maxArchiveDepth() + " deep: what is inside is"
            + " not opened");
      }
    }

    private void spend(long bytes, String where) {
      expanded += bytes;
      if (expanded > limits.maxExpandedBytes()) {
        throw unsafe(where + ": the payload expands to more than " + limits.maxExpandedBytes() + " bytes; a"
            + " compression bomb is not opened");
      }
    }
  }

  // ---- what is an archive, an unsafe path, a token ---------------------------------------------

  private static boolean isGzip(byte[] head) {
    // Magic, deflate, and no reserved flag bits set.
    return head.length >= 10 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B && head[2] == 8
        && (head[3] & 0xE0) == 0;
  }

  private static boolean isZip(byte[] head) {
    return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  /** A tar header: its checksum (an octal number in bytes 148-155) is the sum of the header's bytes. */
  private static boolean isTar(byte[] head) {
    if (head.length < 512) {
      return false;
    }
    int i = 148;
    while (i < 156 && head[i] == ' ') {
      i++;
    }
    long stored = 0;
    int digits = 0;
    for (; i < 156 && head[i] >= '0' && head[i] <= '7'; i++, digits++) {
      stored = stored * 8 + (head[i] - '0');
    }
    for (; i < 156; i++) {
      if (head[i] != 0 && head[i] != ' ') {
        return false;
      }
    }
    if (digits == 0) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int k = 0; k < 512; k++) {
      byte b = k >= 148 && k < 156 ? (byte) ' ' : head[k];
      unsigned += b & 0xFF;
      signed += b;
    }
    return stored == unsigned || stored == signed;
  }

  private static void unsafePath(String name, String at) {
    if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
      throw unsafe(at + " has an absolute path: entries of a shared archive stay inside the directory it is"
          + " unpacked in");
    }
    for (String segment : name.split("[/\\\\]")) {
      if (segment.equals("..")) {
        throw unsafe(at + " climbs out of the directory it is unpacked in (\"..\")");
      }
    }
  }

  /** A run of base64 or hex characters, {@code chars[from, to)}, line breaks taken out. */
  private record Token(byte[] chars, int from, int to) {
    boolean isHex() {
      if (to - from < MIN_HEX || (to - from) % 2 != 0) {
        return false;
      }
      for (int i = from; i < to; i++) {
        if (Character.digit(chars[i], 16) < 0) {
          return false;
        }
      }
      return true;
    }

    String encoding() {
      return isHex() ? "hex" : "base64";
    }

    byte[] decode() {
      if (isHex()) {
        return HexFormat.of().parseHex(new Latin1(chars), from, to);
      }
      int end = to;
      while (end > from && chars[end - 1] == '=') {
        end--;
      }
      boolean standard = false;
      boolean url = false;
      for (int i = from; i < end; i++) {
        byte c = chars[i];
        if (c == '=') {
          return null;
        }
        standard |= c == '+' || c == '/';
        url |= c == '-' || c == '_';
      }
      if (standard && url || end - from < MIN_BASE64) {
        return null;
      }
      if ((end - from) % 4 == 1) {
        end--;
      }
      try {
        java.nio.ByteBuffer decoded = (url ? Base64.getUrlDecoder() : Base64.getDecoder())
            .decode(java.nio.ByteBuffer.wrap(chars, from, end - from));
        byte[] out = new byte[decoded.remaining()];
        decoded.get(out);
        return out;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  private static final boolean[] BASE64 = new boolean[256];

  static {
    for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=".toCharArray()) {
      BASE64[c] = true;
    }
  }

  /**
   * The base64 and hex runs of a text long enough to hold a key. Line breaks (and the indentation
   * after them) continue a run, as in PEM bodies, MIME and YAML blocks; PEM armour lines cut one.
   */
  private static List<Token> tokens(byte[] text) {
    List<Token> tokens = new ArrayList<>();
    int n = text.length;
    int i = 0;
    while (i < n) {
      if (!BASE64[text[i] & 0xFF]) {
        i++;
        continue;
      }
      int segment = i;
      int j = i;
      ByteArrayOutputStream joined = null;
      while (true) {
        while (j < n && BASE64[text[j] & 0xFF]) {
          j++;
        }
        int k = j;
        boolean lineBreak = false;
        while (k < n && (text[k] == '\n' || text[k] == '\r' || text[k] == ' ' || text[k] == '\t')) {
          lineBreak |= text[k] == '\n' || text[k] == '\r';
          k++;
        }
        if (!lineBreak || k >= n || !BASE64[text[k] & 0xFF]) {
          break;
        }
        joined = joined == null ? new ByteArrayOutputStream() : joined;
        joined.write(text, segment, j - segment);
        segment = k;
        j = k;
      }
      if (joined == null) {
        add(tokens, text, i, j);
      } else {
        joined.write(text, segment, j - segment);
        byte[] run = joined.toByteArray();
        add(tokens, run, 0, run.length);
      }
      i = j;
    }
    return tokens;
  }

  private static void add(List<Token> tokens, byte[] chars, int from, int to) {
    if (to - from < MIN_BASE64) {
      return;
    }
    int start = from;
    for (int i = from; i + 5 <= to; i++) {
      if (chars[i] == '-' && chars[i + 1] == '-' && chars[i + 2] == '-' && chars[i + 3] == '-' && chars[i + 4] == '-') {
        if (i - start >= MIN_BASE64) {
          tokens.add(new Token(chars, start, i));
        }
        while (i < to && chars[i] == '-') {
          i++;
        }
        start = i;
      }
    }
    if (to - start >= MIN_BASE64) {
      tokens.add(new Token(chars, start, to));
    }
  }

  /** Characters that are no text: controls other than line breaks and tabs, or bytes above ASCII. */
  private static boolean isBinary(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c >= 0x7F && c <= 0xFF) {
        return true;
      }
    }
    return false;
  }

  private static int firstNonBlank(CharSequence text) {
    for (int i = 0; i < text.length() && i < 4096; i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != '\uFEFF') {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A name from the payload, safe to put in a message: printable, bounded. */
  private static String name(String raw) {
    if (raw == null) {
      return "";
    }
    StringBuilder safe = new StringBuilder();
    raw.codePoints().limit(MAX_NAME).forEach(c -> safe.appendCodePoint(c < 0x20 || c == 0x7F ? '?' : c));
    return raw.length() > MAX_NAME ? safe + "..." : safe.toString();
  }

  private static Stop privateKey(String what, String where) {
    return new Stop(new Finding(PRIVATE_KEY_MATERIAL, where + " holds " + what + ": private keys never leave the"
        + " cluster that owns them; share the certificate or public key instead"));
  }

  private static Stop unsafe(String message) {
    return new Stop(new Finding(UNSAFE_ARCHIVE, message));
  }

  /** Counts the bytes read through it: the compressed side of a stream, for the expansion ratio. */
  private static final class Counted extends FilterInputStream {
    long count;

    Counted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }

  /** A tar entry's content: reading it to its end leaves the archive where the next entry starts. */
  private static final class Unclosable extends FilterInputStream {
    Unclosable(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
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
