package io.consortium.operator.cli;

import static io.consortium.operator.testing.CliRun.run;

import io.consortium.operator.testing.CliRun.Run;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.fabric.TestPki;
import io.consortium.operator.fabric.chaincode.ChaincodePackage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FabricChaincodeCommandsTest {

  @TempDir Path dir;

  @Test
  void ccaasPackageWritesThePackageAndPackageIdPrintsTheSameId() throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, TestPki.selfSignedCa("cc-ca").certificatePem());
    Path pkg = dir.resolve("basic.tar.gz");

    Run built = run("fabric", "ccaas-package", "--label", "basic_1.0", "--address", "{{.peername}}_basic:9999",
        "--dial-timeout", "5s", "--tls-required", "--root-cert", ca.toString(), "-o", pkg.toString());
    Run id = run("fabric", "package-id", pkg.toString());

    assertThat(built.code()).as(built.err()).isZero();
    assertThat(built.out()).matches("basic_1\\.0:[0-9a-f]{64}\n");
    assertThat(id.code()).as(id.err()).isZero();
    assertThat(id.out()).isEqualTo(built.out());
    assertThat(id.out().strip()).isEqualTo(ChaincodePackage.read(pkg).id().toString());
  }

  @Test
  void runningCcaasPackageTwiceGivesTheSameBytes() throws Exception {
    Path one = dir.resolve("one.tar.gz");
    Path two = dir.resolve("two.tar.gz");

    run("fabric", "ccaas-package", "--label", "basic_1.0", "--address", "basic:9999", "-o", one.toString());
    run("fabric", "ccaas-package", "--label", "basic_1.0", "--address", "basic:9999", "-o", two.toString());

    assertThat(Files.readAllBytes(two)).isEqualTo(Files.readAllBytes(one));
  }

  @Test
  void aFileThatIsNotAPackageGivesOneLineAndExitOne() throws Exception {
    Path notPackage = dir.resolve("notes.txt");
    Files.writeString(notPackage, "hello");

    Run r = run("fabric", "package-id", notPackage.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: " + notPackage + ": not a chaincode package: not a gzip stream (Not in GZIP format)\n");
  }

  @Test
  void aMissingFileGivesOneLineAndExitOne() {
    Run r = run("fabric", "package-id", dir.resolve("absent.tar.gz").toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: no such file: ").doesNotContain("\tat ").hasLineCount(1);
  }

  @Test
  void aRootCertFileHoldingAPrivateKeyIsRefusedAndNothingIsWritten() throws Exception {
    TestPki pki = TestPki.selfSignedCa("cc-ca");
    Path leaky = dir.resolve("bundle.pem");
    Files.writeString(leaky, pki.certificatePem() + pki.privateKeyPem());
    Path out = dir.resolve("out.tar.gz");

    Run r = run("fabric", "ccaas-package", "--label", "basic_1.0", "--address", "cc:9999", "--tls-required",
        "--root-cert", leaky.toString(), "-o", out.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: root_cert contains a PEM private key: a package meant to be shared must never carry one\n");
    assertThat(out).doesNotExist();
  }

  @Test
  void aBadLabelIsRefusedInOneLine() {
    Run r = run("fabric", "ccaas-package", "--label", "bad label!", "--address", "cc:9999", "-o", dir.resolve("x").toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: invalid label 'bad label!'").hasLineCount(1);
  }

  @Test
  void aMissingRequiredOptionIsAUsageError() {
    Run r = run("fabric", "ccaas-package", "--label", "basic_1.0", "-o", dir.resolve("x").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--address");
  }


}
