package io.consortium.operator.fabric.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fabric's own test packages (core/chaincode/persistence/testdata), judged as Fabric judges them. */
class FabricPackageVectorsTest {

  private Path dir;

  @BeforeEach
  void findVectors() {
    dir = Path.of(System.getProperty("project.root", ".."), "..", "shared", "vectors", "fabric", "packages");
    Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/vectors not found: " + dir.toAbsolutePath().normalize());
  }

  @Test
  void fabricsGoodPackageParsesWithItsMetadataAndTheIdOfItsBytes() throws Exception {
    Path file = dir.resolve("good-package.tar.gz");

    ChaincodePackage pkg = ChaincodePackage.read(file);

    assertThat(pkg.metadata().type()).isEqualTo("Fake-Type");
    assertThat(pkg.metadata().path()).isEqualTo("Fake-Path");
    assertThat(pkg.metadata().label().value()).isEqualTo("Real-Label");
    assertThat(pkg.id().toString()).isEqualTo("Real-Label:" + sha256Hex(file));
    assertThat(pkg.codePackageSize()).isPositive();
  }

  @Test
  void aPackageWithExtraFilesIsToleratedAsFabricToleratesIt() throws Exception {
    ChaincodePackage pkg = ChaincodePackage.read(dir.resolve("too-many-files.tar.gz"));

    assertThat(pkg.unexpectedEntries()).isNotEmpty();
    assertThat(pkg.id().toString()).isEqualTo(pkg.metadata().label() + ":" + sha256Hex(dir.resolve("too-many-files.tar.gz")));
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "missing-metadata.tar.gz    | did not find any package metadata (missing metadata.json)",
        "bad-metadata.tar.gz        | could not parse metadata.json as JSON",
        "empty-label.tar.gz         | invalid label ''",
        "bad-label.tar.gz           | invalid label 'Bad-Label!'",
        "corrupted-package.tar.gz   | could not read Chaincode-Package-Metadata.json from the tar archive: unexpected end of file",
        "non-regular-file.tar.gz    | tar entry code.tar.gz is not a regular file but a symbolic link (type '2')",
        "corrupted-header.tar.gz    | cannot read the next tar header: corrupt gzip data",
        "corrupted-gzip.tar.gz      | not a gzip stream",
        "missing-codepackage.tar.gz | did not find a code package (code.tar.gz)",
      })
  void eachBrokenFabricPackageIsRefusedWithItsReason(String file, String reason) {
    assertThatThrownBy(() -> ChaincodePackage.read(dir.resolve(file)))
        .isInstanceOf(InvalidChaincodePackageException.class)
        .hasMessageContaining(reason);
  }

  private static String sha256Hex(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
