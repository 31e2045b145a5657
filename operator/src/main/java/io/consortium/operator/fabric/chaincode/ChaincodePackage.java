package io.consortium.operator.fabric.chaincode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consortium.operator.pki.Sha256;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A chaincode install package, parsed as Fabric's peer parses it
 * ({@code core/chaincode/persistence/chaincode_package.go}): a gzip'd tar whose entries are all
 * regular files, with a {@code metadata.json} ({@code {"type","path","label"}}) and a
 * {@code code.tar.gz}; other entries are tolerated (Fabric only logs them). The package is read in
 * one streaming pass that also hashes every byte of the file, so a package of any size needs only
 * a small buffer and the package ID comes out of the same pass.
 *
 * @param metadata the parsed {@code metadata.json}
 * @param id {@code label:hex(sha256(package file))}
 * @param codePackageSize size in bytes of {@code code.tar.gz}
 * @param unexpectedEntries names of the extra top-level entries, in archive order
 */
public record ChaincodePackage(
    PackageMetadata metadata, PackageId id, long codePackageSize, List<String> unexpectedEntries) {

  public static final String METADATA_FILE = "metadata.json";
  public static final String CODE_PACKAGE_FILE = "code.tar.gz";

  /** metadata.json is three short strings; a larger one is not something a peer made. */
  private static final int MAX_METADATA_BYTES = 1 << 20;
  private static final int TAR_BLOCK = 512;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Receives the {@code code.tar.gz} entry while the package streams by. */
  @FunctionalInterface
  public interface CodePackageReader {
    void read(InputStream codePackage) throws IOException;
  }

  public ChaincodePackage {
    unexpectedEntries = List.copyOf(unexpectedEntries);
  }

  public static ChaincodePackage read(Path packageFile) throws IOException {
    try (InputStream in = Files.newInputStream(packageFile)) {
      return read(in);
    }
  }

  public static ChaincodePackage read(InputStream packageFile) throws IOException {
    return read(packageFile, code -> {});
  }

  /**
   * Parses the package and computes its ID in one pass over {@code packageFile}.
   *
   * @throws InvalidChaincodePackageException when Fabric's peer would refuse the package
   * @throws IOException when {@code packageFile} itself cannot be read
   */
  public static ChaincodePackage read(InputStream packageFile, CodePackageReader codeReader)
      throws IOException {
    MessageDigest sha256 = PackageId.sha256();
    DigestInputStream hashed = new DigestInputStream(packageFile, sha256);
    GZIPInputStream gzip;
    try {
      gzip = new GZIPInputStream(hashed, 64 * 1024);
    } catch (EOFException e) {
      throw new InvalidChaincodePackageException(
          "not a chaincode package: the gzip stream ends unexpectedly (file truncated or empty)");
    } catch (ZipException e) {
      throw new InvalidChaincodePackageException("not a chaincode package: not a gzip stream (" + e.getMessage() + ")");
    }
    CountingStream tarBytes = new CountingStream(gzip);
    TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes);

    RawMetadata metadata = null;
    long codeSize = -1;
    List<String> unexpected = new ArrayList<>();
    while (true) {
      TarArchiveEntry entry = nextEntry(tar);
      if (entry == null) {
        // Fabric's tar reader accepts an archive that simply stops at a block boundary, but not
        // one that stops inside a header; commons-compress reports both as "no more entries".
        if (tarBytes.count % TAR_BLOCK != 0) {
          throw new InvalidChaincodePackageException(
              "corrupted chaincode package: the tar archive ends inside an entry header (file truncated)");
        }
        break;
      }
      String name = entry.getName();
      requireRegular(entry);
      InputStream content = new EntryStream(tar, name);
      switch (name) {
        case METADATA_FILE -> metadata = parseMetadata(readBounded(content));
        case CODE_PACKAGE_FILE -> {
          CountingStream counted = new CountingStream(content);
          codeReader.read(counted);
          counted.transferTo(OutputSink.INSTANCE);
          codeSize = counted.count;
        }
        default -> {
          unexpected.add(name);
          content.transferTo(OutputSink.INSTANCE);
        }
      }
    }
    if (codeSize < 0) {
      throw new InvalidChaincodePackageException(
          "did not find a code package (" + CODE_PACKAGE_FILE + ") inside the chaincode package");
    }
    if (metadata == null) {
      throw new InvalidChaincodePackageException(
          "did not find any package metadata (missing " + METADATA_FILE + ")");
    }
    // Fabric checks the label last, after finding both files.
    PackageMetadata checked = new PackageMetadata(metadata.type(), metadata.path(), new PackageLabel(metadata.label()));
    // The ID covers the whole file, including what follows the end of the tar archive.
    hashed.transferTo(OutputSink.INSTANCE);
    return new ChaincodePackage(
        checked, new PackageId(checked.label(), Sha256.hex(sha256)), codeSize, unexpected);
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidChaincodePackageException("corrupted chaincode package: cannot read the next tar header: " + describe(e));
    }
  }

  private static void requireRegular(TarArchiveEntry entry) {
    byte flag = entry.getLinkFlag();
    boolean regular =
        flag == TarArchiveEntry.LF_NORMAL || (flag == TarArchiveEntry.LF_OLDNORM && !entry.getName().endsWith("/"));
    if (!regular) {
      throw new InvalidChaincodePackageException(
          "tar entry " + entry.getName() + " is not a regular file but " + kind(flag) + " (type '" + (char) flag + "')");
    }
  }

  private static String kind(byte flag) {
    return switch (flag) {
      case '1' -> "a hard link";
      case '2' -> "a symbolic link";
      case '3' -> "a character device";
      case '4' -> "a block device";
      case '5', 0 -> "a directory";
      case '6' -> "a FIFO";
      case '7' -> "a contiguous file";
      default -> "an entry of another kind";
    };
  }

  private static byte[] readBounded(InputStream content) throws IOException {
    byte[] bytes = content.readNBytes(MAX_METADATA_BYTES + 1);
    if (bytes.length > MAX_METADATA_BYTES) {
      throw new InvalidChaincodePackageException(METADATA_FILE + " is larger than " + MAX_METADATA_BYTES + " bytes");
    }
    return bytes;
  }

  /**
   * Reads metadata.json the way Go's encoding/json fills Fabric's struct: keys match
   * case-insensitively, unknown keys are ignored, {@code null} leaves a field empty, and anything
   * but a string in a known field is an error.
   */
  static RawMetadata parseMetadata(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new InvalidChaincodePackageException(
          "could not parse " + METADATA_FILE + " as JSON: " + e.getOriginalMessage() + where);
    } catch (IOException e) {
      throw new InvalidChaincodePackageException("could not parse " + METADATA_FILE + " as JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidChaincodePackageException("could not parse " + METADATA_FILE + " as JSON: the file is empty");
    }
    String type = "";
    String path = "";
    String label = "";
    if (!root.isNull()) {
      if (!root.isObject()) {
        throw new InvalidChaincodePackageException(
            "could not parse " + METADATA_FILE + " as JSON: expected an object, found " + root.getNodeType().name().toLowerCase(Locale.ROOT));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String key = field.getKey().toLowerCase(Locale.ROOT);
        if (!key.equals("type") && !key.equals("path") && !key.equals("label")) {
          continue;
        }
        JsonNode value = field.getValue();
        if (value.isNull()) {
          continue;
        }
        if (!value.isTextual()) {
          throw new InvalidChaincodePackageException(
              "could not parse " + METADATA_FILE + ": '" + field.getKey() + "' must be a string, found "
                  + value.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        switch (key) {
          case "type" -> type = value.asText();
          case "path" -> path = value.asText();
          default -> label = value.asText();
        }
      }
    }
    return new RawMetadata(type, path, label);
  }

  /** metadata.json as read, before its label is checked. */
  record RawMetadata(String type, String path, String label) {}

  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof EOFException) {
      return "unexpected end of file (package truncated)";
    }
    if (t instanceof ZipException) {
      return "corrupt gzip data (" + t.getMessage() + ")";
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.toLowerCase(Locale.ROOT).contains("truncated")) {
      return m + " (package truncated)";
    }
    return m;
  }

  /** One tar entry's content; a read error there means a corrupted package, said in one line. */
  private static final class EntryStream extends FilterInputStream {
    private final String name;

    EntryStream(InputStream in, String name) {
      super(in);
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public void close() {
      // The entry belongs to the archive stream: a reader closing it must not close the package.
    }

    private InvalidChaincodePackageException fail(IOException e) {
      return new InvalidChaincodePackageException(
          "corrupted chaincode package: could not read " + name + " from the tar archive: " + describe(e));
    }
  }

  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
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

    @Override
    public void close() {
      // Never closes the package stream under it; the caller owns that.
    }
  }

  /** Discards what is drained only so that it is hashed or counted. */
  private static final class OutputSink extends java.io.OutputStream {
    static final OutputSink INSTANCE = new OutputSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
