package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static io.consortium.operator.testing.Pairings.pairing;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.RefusedRedemption;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Expired or used?" answered by {@code kubectl get pairing} on the inviter: Org1's invitations are
 * redeemed expired, used up, revoked and tampered with, and each refusal shows why and from where.
 */
class InvitationVisibilityScenarioTest {

  private static final String ADDRESS = "127\\.0\\.0\\.1:[0-9]+";

  @TempDir Path workdir;
  Org org1;
  Org org2;
  Org org3;

  @BeforeEach
  void start() {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    org3 = Org.cluster("org3", workdir).startOperator();
  }

  @AfterEach
  void stop() {
    org3.close();
    org2.close();
    org1.close();
  }

  @Test
  void every_refused_redemption_shows_its_reason_and_remote_address_in_status_and_in_kubectl_get() throws Exception {
    // Used up: org2 redeems org1's invitation, then org3 tries the same one.
    String forOrg2 = invite(org1, "org2");
    accept(org2, "org1", forOrg2);
    awaitPhase(org1, "org2", PairingPhase.Connected);
    accept(org3, "org1-reused", forOrg2);
    awaitPhase(org3, "org1-reused", PairingPhase.Failed);

    // Revoked before it was redeemed.
    String revoked = invite(org1, "org3-revoked");
    Pairings.setState(org1, "org3-revoked", PairingState.Revoked);
    awaitPhase(org1, "org3-revoked", PairingPhase.Revoked);
    accept(org3, "org1-revoked", revoked);
    awaitPhase(org3, "org1-revoked", PairingPhase.Failed);

    // Expired, and tampered with: org3's operator would refuse to send either, so org3's key sends them by hand.
    String expiring = invite(org1, "org3-expired", invite -> invite.expiresIn = "2s");
    awaitPhase(org1, "org3-expired", PairingPhase.Failed);
    String genuine = invite(org1, "org3-tampered");
    String[] parts = genuine.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"maxRedemptions\":1", "\"maxRedemptions\":50");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    redeemByHand(org3, "org3-expired", expiring);
    redeemByHand(org3, "org3-tampered", tampered);

    assertRefused("org2", "RedemptionsExhausted", "already linked to another instance");
    assertRefused("org3-revoked", "InvitationRevoked", "revoked");
    assertRefused("org3-expired", "InvitationExpired", "expired at");
    assertRefused("org3-tampered", "BadSignature", "does not carry org1's signature");
    assertThat(pairing(org1, "org3-tampered").getStatus().invitation.redemptions).isZero();
    assertThat(pairing(org1, "org3-tampered").getStatus().phase).isEqualTo(PairingPhase.Invited);
    Org.await("an Event for each refusal", Pairings.WAIT, () -> org1.client().v1().events().list().getItems().stream()
        .filter(e -> "RedemptionRefused".equals(e.getReason())).count() >= 4);

    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/kubectl")), "kubectl is not installed here");
    List<String> table = kubectl(org1, "get", "pairing").lines().toList();
    assertThat(table.get(0)).contains("REDEEMED", "ALLOWED", "INVITATION EXPIRES", "LAST REFUSED");
    assertThat(row(table, "org2 ")).matches(".*Connected.* 1 +1 .*RedemptionsExhausted from " + ADDRESS + ".*");
    assertThat(row(table, "org3-expired ")).matches(".*Failed.* 0 +1 .*InvitationExpired from " + ADDRESS + ".*");
    assertThat(row(table, "org3-revoked ")).matches(".*Revoked.*InvitationRevoked from " + ADDRESS + ".*");
    assertThat(row(table, "org3-tampered ")).matches(".*Invited.* 0 +1 .*BadSignature from " + ADDRESS + ".*");
  }

  private void redeemByHand(Org from, String pairing, String jws) throws Exception {
    String invitationId = pairing(org1, pairing).getStatus().invitation.id;
    try (RawPeer key = new RawPeer(RawPeer.identityOf(from)).dial(org1)) {
      key.send(new Redeem(invitationId, jws, from.name(), Pem.certificate(key.identity().certificate())));
      assertThat(key.closed.poll(20, TimeUnit.SECONDS)).isNotNull();
    }
  }

  private void assertRefused(String pairing, String reason, String message) {
    Org.await(pairing + " to record a " + reason + " refusal", Pairings.WAIT,
        () -> Optional.ofNullable(pairing(org1, pairing).getStatus().invitation.lastRefused)
            .map(last -> last.startsWith(reason + " from ")).orElse(false));
    RefusedRedemption refused = pairing(org1, pairing).getStatus().invitation.refused.stream()
        .filter(r -> reason.equals(r.reason)).findFirst().orElseThrow();
    assertThat(refused.remoteAddress).matches(ADDRESS);
    assertThat(refused.message).contains(message);
    assertThat(refused.at).isNotBlank();
  }

  private static String row(List<String> table, String name) {
    return table.stream().filter(line -> line.startsWith(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in\n" + String.join("\n", table)));
  }

  private static String kubectl(Org org, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", org.kubeconfig().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
