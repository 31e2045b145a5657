package io.consortium.operator.fabric.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** The peer's parsing rules on packages this project makes itself. */
class ChaincodePackageTest {

  private static final byte[] METADATA = utf8("{\"type\":\"golang\",\"path\":\"github.com/x/cc\",\"label\":\"mycc_1.0\"}");
  private static final byte[] CODE = StoredGzip.wrap(DeterministicTar.of(List.of(new DeterministicTar.File("src/main.go", utf8("package main\n")))));

  @Test
  void org2ComputesTheSamePackageIdAsOrg1ForThePackageItReceived() throws Exception {
    byte[] pkg = packageOf(file("metadata.json", METADATA), file("code.tar.gz", CODE));

    ChaincodePackage org1 = ChaincodePackage.read(new ByteArrayInputStream(pkg));
    ChaincodePackage org2 = ChaincodePackage.read(new ByteArrayInputStream(pkg.clone()));

    assertThat(org1.id().toString()).isEqualTo("mycc_1.0:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pkg)));
    assertThat(org2.id()).isEqualTo(org1.id());
    assertThat(org1.metadata()).isEqualTo(new PackageMetadata("golang", "github.com/x/cc", new PackageLabel("mycc_1.0")));
    assertThat(org1.codePackageSize()).isEqualTo(CODE.length);
  }

  @Test
  void aLargePackageOnDiskIsHashedWholeWhileItStreamsThrough(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("large.tar.gz");
    long codeSize = 24L << 20;
    Random random = new Random(7);
    byte[] chunk = new byte[1 << 20];
    // Written entry by entry and read back as a stream: neither side holds the package in memory.
    try (OutputStream raw = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(raw))) {
      TarArchiveEntry metadata = new TarArchiveEntry("metadata.json");
      metadata.setSize(METADATA.length);
      tar.putArchiveEntry(metadata);
      tar.write(METADATA);
      tar.closeArchiveEntry();
      TarArchiveEntry code = new TarArchiveEntry("code.tar.gz");
      code.setSize(codeSize);
      tar.putArchiveEntry(code);
      for (long written = 0; written < codeSize; written += chunk.length) {
        random.nextBytes(chunk);
        tar.write(chunk);
      }
      tar.closeArchiveEntry();
    }
    long[] seen = {0};

    ChaincodePackage pkg;
    try (InputStream in = Files.newInputStream(file)) {
      pkg = ChaincodePackage.read(in, code -> {
        byte[] buffer = new byte[8192];
        for (int n; (n = code.read(buffer)) > 0; ) {
          seen[0] += n;
        }
      });
    }

    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
      }
    }
    assertThat(pkg.id().sha256Hex()).isEqualTo(HexFormat.of().formatHex(sha256.digest()));
    assertThat(pkg.codePackageSize()).isEqualTo(codeSize);
    assertThat(seen[0]).isEqualTo(codeSize);
  }

  @Test
  void theIdCoversBytesAfterTheEndOfTheArchive() throws Exception {
    byte[] pkg = packageOf(file("metadata.json", METADATA), file("code.tar.gz", CODE));
    byte[] longer = Arrays.copyOf(pkg, pkg.length + 1);

    assertThat(ChaincodePackage.read(new ByteArrayInputStream(longer)).id())
        .isNotEqualTo(ChaincodePackage.read(new ByteArrayInputStream(pkg)).id());
  }

  @Test
  void extraEntriesAreToleratedAndNamed() throws Exception {
    byte[] pkg = packageOf(file("metadata.json", METADATA), file("README", utf8("hi")), file("code.tar.gz", CODE));

    assertThat(ChaincodePackage.read(new ByteArrayInputStream(pkg)).unexpectedEntries()).containsExactly("README");
  }

  @Test
  void metadataIsReadAsGoReadsItIntoFabricsStruct() throws Exception {
    byte[] pkg = packageOf(file("metadata.json", utf8("{\"Type\":\"ccaas\",\"PATH\":null,\"label\":\"a.b+c-d_e\",\"extra\":[1]}")), file("code.tar.gz", CODE));

    PackageMetadata metadata = ChaincodePackage.read(new ByteArrayInputStream(pkg)).metadata();

    assertThat(metadata).isEqualTo(new PackageMetadata("ccaas", "", new PackageLabel("a.b+c-d_e")));
  }

  @Test
  void eachMalformedPackageIsRefusedWithItsReason() {
    assertRefused(packageOf(file("code.tar.gz", CODE)), "did not find any package metadata (missing metadata.json)");
    assertRefused(packageOf(file("metadata.json", METADATA)), "did not find a code package (code.tar.gz)");
    assertRefused(packageOf(file("metadata.json", utf8("{\"label\":")), file("code.tar.gz", CODE)), "could not parse metadata.json as JSON");
    assertRefused(packageOf(file("metadata.json", utf8("[]")), file("code.tar.gz", CODE)), "expected an object, found array");
    assertRefused(packageOf(file("metadata.json", utf8("{\"label\":7}")), file("code.tar.gz", CODE)), "'label' must be a string");
    assertRefused(packageOf(file("metadata.json", utf8("{\"label\":\"\"}")), file("code.tar.gz", CODE)), "invalid label ''");
    assertRefused(packageOf(file("metadata.json", utf8("{\"label\":\"_leading\"}")), file("code.tar.gz", CODE)), "invalid label '_leading'");
    assertRefused(packageOf(file("metadata.json", utf8("{\"label\":\"has space\"}")), file("code.tar.gz", CODE)), "invalid label 'has space'");
    assertRefused(utf8("PK\u0003\u0004 a zip file"), "not a gzip stream");
    assertRefused(new byte[0], "the gzip stream ends unexpectedly");
  }

  @Test
  void aSymlinkOrDirectoryEntryIsRefusedEvenWhenItIsAnExtraEntry() throws Exception {
    ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
      for (DeterministicTar.File f : List.of(file("metadata.json", METADATA), file("code.tar.gz", CODE))) {
        TarArchiveEntry e = new TarArchiveEntry(f.name());
        e.setSize(f.content().length);
        tar.putArchiveEntry(e);
        tar.write(f.content());
        tar.closeArchiveEntry();
      }
      TarArchiveEntry link = new TarArchiveEntry("extra", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("/etc/passwd");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    assertRefused(StoredGzip.wrap(tarBytes.toByteArray()), "tar entry extra is not a regular file but a symbolic link (type '2')");

    ByteArrayOutputStream dirBytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(dirBytes)) {
      tar.putArchiveEntry(new TarArchiveEntry("code.tar.gz/"));
      tar.closeArchiveEntry();
    }
    assertRefused(StoredGzip.wrap(dirBytes.toByteArray()), "is not a regular file but a directory");
  }

  @Test
  void aPackageCutAnywhereBeforeTheEndOfItsLastFileIsRefused() {
    byte[] pkg = packageOf(file("metadata.json", METADATA), file("code.tar.gz", CODE));
    // Stored gzip: compressed offset = 10-byte header + 5-byte block header + tar offset.
    int endOfCode = 10 + 5 + 512 + 512 + 512 + CODE.length;
    for (int cut = 0; cut < endOfCode; cut += 7) {
      byte[] truncated = Arrays.copyOf(pkg, cut);
      assertThatThrownBy(() -> ChaincodePackage.read(new ByteArrayInputStream(truncated)))
          .as("package cut at byte %d", cut)
          .isInstanceOf(InvalidChaincodePackageException.class);
    }
  }

  @Test
  void aTarCutInsideAHeaderOrInsideAFileIsRefusedEvenInsideACompleteGzipStream() {
    byte[] tar = DeterministicTar.of(List.of(file("metadata.json", METADATA), file("code.tar.gz", CODE)));

    assertRefused(StoredGzip.wrap(Arrays.copyOf(tar, 1024 + 100)), "the tar archive ends inside an entry header");
    assertRefused(StoredGzip.wrap(Arrays.copyOf(tar, 1024 + 512 + 10)), "could not read code.tar.gz from the tar archive: ");
    assertRefused(StoredGzip.wrap(Arrays.copyOf(tar, 512 + 10)), "could not read metadata.json from the tar archive: ");
  }

  @Test
  void corruptedCompressedDataIsRefused() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(DeterministicTar.of(List.of(file("metadata.json", METADATA), file("code.tar.gz", CODE))));
    }
    byte[] bytes = gz.toByteArray();
    bytes[12] ^= (byte) 0xff; // inside the first deflate block
    bytes[13] ^= (byte) 0xff;

    assertThatThrownBy(() -> ChaincodePackage.read(new ByteArrayInputStream(bytes)))
        .isInstanceOf(InvalidChaincodePackageException.class)
        .hasMessageContaining("corrupted chaincode package");
  }

  private static void assertRefused(byte[] pkg, String reason) {
    assertThatThrownBy(() -> ChaincodePackage.read(new ByteArrayInputStream(pkg)))
        .isInstanceOf(InvalidChaincodePackageException.class)
        .hasMessageContaining(reason);
  }

  private static byte[] packageOf(DeterministicTar.File... files) {
    return StoredGzip.wrap(DeterministicTar.of(List.of(files)));
  }

  private static DeterministicTar.File file(String name, byte[] content) {
    return new DeterministicTar.File(name, content);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
