package io.consortium.operator.share;

import static io.consortium.operator.share.HostileShareMessagesScenarioTest.decide;
import static io.consortium.operator.share.HostileShareMessagesScenarioTest.incoming;
import static io.consortium.operator.share.HostileShareMessagesScenarioTest.share;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.AuditLog;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.Shares;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone on Org2's cluster edits the key Org1 shared: the operator owns what Org1 signed, so the
 * edit is found, nothing is decided or written on it, and Org1's copy is put back.
 */
class PayloadDriftScenarioTest {

  @TempDir Path workdir;
  Consortium consortium;
  Org org1;
  Org org2;
  KeyShare received;

  @BeforeEach
  void org1SharesItsCa() {
    consortium = Consortium.start(workdir);
    org1 = consortium.org1();
    org2 = consortium.org2();
    share(org1, "ca", "org2");
    Org.await("org1-ca on org2", Pairings.WAIT, () -> incoming(org2, "org1-ca") != null
        && incoming(org2, "org1-ca").getStatus() != null);
    received = incoming(org2, "org1-ca");
  }

  @AfterEach
  void stop() {
    consortium.close();
  }

  @Test
  void an_edit_of_an_accepted_key_is_restored_from_org1_and_recorded() {
    decide(org2, "org1-ca", "Accept");
    awaitPhase(SharePhase.Accepted);
    try (AuditLog audit = AuditLog.capture()) {
      edit("{\"spec\":{\"mspId\":\"EvilMSP\",\"material\":{\"fingerprint\":\"" + "0".repeat(64) + "\"}}}");

      Org.await("org2 to restore what org1 sent", Pairings.WAIT, () -> {
        KeyShare now = incoming(org2, "org1-ca");
        return now.getSpec().material.fingerprint.equals(received.getSpec().material.fingerprint)
            && now.getSpec().mspId == null && event("PayloadRestored");
      });
      assertThat(audit.lines()).anySatisfy(line -> assertThat(line).contains("\"reason\":\"PayloadRestored\""));
    }
    assertThat(event("PayloadDrifted")).isTrue();
    KeyShare restored = incoming(org2, "org1-ca");
    assertThat(restored.getStatus().phase).as("the decision stands").isEqualTo(SharePhase.Accepted);
    assertThat(restored.getSpec().decision).hasToString("Accept");
    Org.await("PayloadIntact to clear", Pairings.WAIT,
        () -> Conditions.find(incoming(org2, "org1-ca").getStatus().conditions, ShareEngine.PAYLOAD_INTACT).isEmpty());
  }

  @Test
  void a_key_edited_and_accepted_at_once_is_decided_only_on_what_org1_sent() {
    String original = received.getSpec().material.publicKey;
    String other = io.consortium.operator.pki.Pem.publicKey(
        io.consortium.operator.identity.SelfSignedCertificates.newEcKeyPair("secp256r1").getPublic());
    edit("{\"spec\":{\"decision\":\"Accept\",\"material\":{\"publicKey\":" + json(other) + "}}}");

    awaitPhase(SharePhase.Accepted);
    assertThat(incoming(org2, "org1-ca").getSpec().material.publicKey).isEqualTo(original);
    assertThat(org2.client().configMaps().withName("org1-ca-public-key").get().getData().get("public-key.pem"))
        .as("the accepted key is the one org1 sent").isEqualTo(original);
    Shares.awaitRecipient(org1, KeyShare.class, "ca", "org2", SharePhase.Accepted);
  }

  @Test
  void the_decision_names_org2_and_who_decided_there() {
    org2.client().resources(KeyShare.class).withName("org1-ca").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"consortium.io/decided-by\":\"alice@org2\"}},\"spec\":{\"decision\":\"Reject\"}}");

    Shares.awaitRecipient(org1, KeyShare.class, "ca", "org2", SharePhase.Rejected);
    assertThat(recipient().decidedBy).isEqualTo("org2 (alice@org2)");
    assertThat(incoming(org2, "org1-ca").getStatus().decidedBy).isEqualTo("org2 (alice@org2)");
  }

  private RecipientStatus recipient() {
    return org1.client().resources(KeyShare.class).withName("ca").get().getStatus().recipients.get(0);
  }

  private void edit(String patch) {
    org2.client().resources(KeyShare.class).withName("org1-ca").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private void awaitPhase(SharePhase phase) {
    Org.await("org1-ca to be " + phase, Pairings.WAIT, () -> incoming(org2, "org1-ca").getStatus().phase == phase);
  }

  private boolean event(String reason) {
    return org2.client().v1().events().list().getItems().stream().map(Event::getReason).anyMatch(reason::equals);
  }

  private static String json(String text) {
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(text);
  }
}
