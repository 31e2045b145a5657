package io.consortium.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.testing.Org;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour, with the real kubectl against an embedded instance: what a new user types works.
 * Skipped where kubectl is not installed.
 */
class KubectlAgainstEmbeddedTest {

  @TempDir static Path workdir;
  static Org org1;

  @BeforeAll
  static void startOrg1() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/kubectl")) || onPath("kubectl"),
        "kubectl is not installed here: the kubectl tour is not checked");
    org1 = Org.cluster("org1", workdir).startOperator();
  }

  @AfterAll
  static void stopOrg1() {
    if (org1 != null) {
      org1.close();
    }
  }

  @Test
  void kubectl_lists_the_six_crds_the_identity_and_no_shares_yet() {
    assertThat(kubectl("get", "crd", "-o", "name").stdout()).contains(
        "customresourcedefinition.apiextensions.k8s.io/peerpairings.consortium.io",
        "keyshares.consortium.io", "networkshares.consortium.io", "chaincodeshares.consortium.io",
        "configproposals.consortium.io", "consortiumnodes.consortium.io");
    Result shares = kubectl("get", "shares");
    assertThat(shares.exitCode()).isZero();
    assertThat(shares.stdout() + shares.stderr()).contains("No resources found");
    assertThat(kubectl("get", "secret").stdout()).contains("consortium-identity");
    assertThat(kubectl("api-resources", "--api-group=consortium.io").stdout())
        .contains("pairing", "keyshare", "netshare", "ccshare", "proposal", "cnode");
    assertThat(kubectl("explain", "keyshare.spec.source").stdout())
        .contains("KIND:       KeyShare", "Only the public part is ever sent", "name\t<string> -required-");
  }

  @Test
  void a_pairing_applied_with_kubectl_shows_its_invitation_in_printer_columns_and_events() throws IOException {
    Path manifest = workdir.resolve("pairing.yaml");
    Files.writeString(manifest, """
        apiVersion: consortium.io/v1alpha1
        kind: PeerPairing
        metadata:
          name: org2
        spec:
          invite:
            expiresIn: 48h
            maxRedemptions: 2
        """);
    assertThat(kubectl("apply", "--validate=false", "-f", manifest.toString()).exitCode()).isZero();
    Org.await("the invitation", Duration.ofSeconds(20),
        () -> kubectl("get", "pairing", "org2").stdout().contains("Invited"));

    String table = kubectl("get", "pairing", "org2").stdout();
    assertThat(table.lines().findFirst().orElseThrow())
        .contains("ROLE", "PEER", "PHASE", "FLOW", "REDEEMED", "ALLOWED", "INVITATION EXPIRES", "LAST SEEN", "AGE");
    assertThat(table).contains("Inviter", "Invited", "Bidirectional");
    assertThat(kubectl("get", "secret", "org2-invitation").exitCode()).isZero();
    assertThat(kubectl("describe", "pairing", "org2").stdout()).contains("InvitationIssued");

    assertThat(kubectl("patch", "pairing", "org2", "--type", "merge", "-p", "{\"spec\":{\"state\":\"Revoked\"}}")
        .exitCode()).isZero();
    Org.await("the revoked invitation to be withdrawn", Duration.ofSeconds(20),
        () -> kubectl("get", "secret", "org2-invitation").exitCode() != 0);
    assertThat(kubectl("delete", "pairing", "org2").exitCode()).isZero();
    Result pairings = kubectl("get", "pairing");
    assertThat(pairings.stdout() + pairings.stderr()).contains("No resources found");
  }

  @Test
  void kubectl_get_shares_lists_every_share_kind_in_both_directions() throws IOException {
    Path manifest = workdir.resolve("shares.yaml");
    Files.writeString(manifest, """
        apiVersion: consortium.io/v1alpha1
        kind: NetworkShare
        metadata:
          name: mychannel
        spec:
          to: [org2]
          platform: Fabric
          fabric:
            channelId: mychannel
        ---
        apiVersion: consortium.io/v1alpha1
        kind: KeyShare
        metadata:
          name: org2-admin
          labels: {consortium.io/direction: incoming, consortium.io/from: org2}
        spec:
          from: {pairing: org2, shareUid: 0b5c3c5e-1111-2222-3333-444455556666, revision: 1}
          usage: Admin
        """);
    assertThat(kubectl("apply", "--validate=false", "-f", manifest.toString()).exitCode()).isZero();

    String shares = kubectl("get", "shares").stdout();
    assertThat(shares).contains("networkshare.consortium.io/mychannel", "keyshare.consortium.io/org2-admin");
    Org.await("the incoming key to show its direction", Duration.ofSeconds(20),
        () -> kubectl("get", "keyshare", "org2-admin").stdout().contains("Incoming"));
  }

  record Result(int exitCode, String stdout, String stderr) {}

  static Result kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", org1.kubeconfig().toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
      }
      return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    return path != null && java.util.Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }
}
