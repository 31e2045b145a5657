package io.consortium.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingSpec;
import io.consortium.operator.api.v1alpha1.spec.InvitationAcceptance;
import io.consortium.operator.api.v1alpha1.spec.InvitationRequest;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.testing.Org;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1 and Org2 each run {@code run --embedded --data-dir}, with no port flags: they pair and share a
 * key, both stop, both start again from their data directories, and they are linked again without a
 * new invitation, with their identities, pairings and shares as they were.
 */
class EmbeddedRestartScenarioTest {

  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path workdir;

  @Test
  void org1_and_org2_restart_from_their_data_directories_and_link_again_without_a_new_invitation() {
    String org1Id;
    String org2Id;
    int org1MeshPort;
    OperatorRuntime org1 = start("org1");
    OperatorRuntime org2 = start("org2");
    try {
      org1Id = org1.identity().instanceId();
      org2Id = org2.identity().instanceId();
      org1MeshPort = org1.meshPort();
      pairAndShare(org1, org2);
    } finally {
      org2.close();
      org1.close();
    }

    OperatorRuntime again1 = start("org1");
    OperatorRuntime again2 = start("org2");
    try {
      assertThat(again1.identity().instanceId()).as("org1's identity was kept").isEqualTo(org1Id);
      assertThat(again2.identity().instanceId()).isEqualTo(org2Id);
      assertThat(again1.meshPort()).as("the port its invitation names").isEqualTo(org1MeshPort);
      awaitPhase(again1, "org2", PairingPhase.Connected);
      awaitPhase(again2, "org1", PairingPhase.Connected);
      assertThat(again2.client().resources(KeyShare.class).withName("org1-org1-tls-ca").get().getStatus().phase)
          .isEqualTo(SharePhase.Accepted);
      assertThat(again2.client().configMaps().withName("org1-org1-tls-ca-public-key").get()).isNotNull();

      share(again1, "org1-after-restart");
      Org.await("a share made after the restart to reach org2 over the link that came back", WAIT,
          () -> again2.client().resources(KeyShare.class).withName("org1-org1-after-restart").get() != null);
    } finally {
      again2.close();
      again1.close();
    }
  }

  /** Org1 invites Org2, Org2 accepts; Org1 shares a key it makes, Org2 accepts it. */
  static void pairAndShare(OperatorRuntime org1, OperatorRuntime org2) {
    invite(org1, "org2");
    String invitation = org1.client().secrets().withName("org2-invitation").get().getData().get("invitation");
    org2.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("invitation-from-org1")
        .endMetadata().withData(Map.of("invitation", invitation)).build()).create();
    accept(org2, "org1", "invitation-from-org1");
    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1", PairingPhase.Connected);
    share(org1, "org1-tls-ca");
    Org.await("the key to reach org2", WAIT,
        () -> org2.client().resources(KeyShare.class).withName("org1-org1-tls-ca").get() != null);
    org2.client().resources(KeyShare.class).withName("org1-org1-tls-ca")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"decision\":\"Accept\"}}");
    Org.await("org2's decision to reach org1", WAIT, () -> recipientPhase(org1, "org1-tls-ca") == SharePhase.Accepted);
  }

  OperatorRuntime start(String name) {
    return OperatorRuntime.start(OperatorSettings.builder().embedded(true).namespace(name).instanceName(name)
        .meshBindAddress("127.0.0.1").meshPort(0).healthPort(0).dataDir(workdir.resolve(name + "-data"))
        .kubeconfigOut(workdir.resolve(name + ".kubeconfig")).build(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  static void invite(OperatorRuntime org, String name) {
    PeerPairing pairing = new PeerPairing();
    pairing.getMetadata().setName(name);
    pairing.setSpec(new PeerPairingSpec());
    pairing.getSpec().invite = new InvitationRequest();
    org.client().resource(pairing).create();
    awaitPhase(org, name, PairingPhase.Invited);
  }

  static void accept(OperatorRuntime org, String name, String secret) {
    PeerPairing pairing = new PeerPairing();
    pairing.getMetadata().setName(name);
    pairing.setSpec(new PeerPairingSpec());
    pairing.getSpec().accept = new InvitationAcceptance();
    pairing.getSpec().accept.invitationSecretRef = new SecretKeyRef(secret, null);
    org.client().resource(pairing).create();
  }

  static void share(OperatorRuntime org, String name) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().generate = new KeyGeneration();
    org.client().resource(share).create();
  }

  static SharePhase recipientPhase(OperatorRuntime org, String name) {
    KeyShare share = org.client().resources(KeyShare.class).withName(name).get();
    return share == null || share.getStatus() == null || share.getStatus().recipients.isEmpty() ? null
        : share.getStatus().recipients.get(0).phase;
  }

  static void awaitPhase(OperatorRuntime org, String pairing, PairingPhase phase) {
    KubernetesClient client = org.client();
    Org.await(org.namespace() + "/" + pairing + " to be " + phase, WAIT, () -> {
      PeerPairing p = client.resources(PeerPairing.class).withName(pairing).get();
      return p != null && p.getStatus() != null && p.getStatus().phase == phase;
    });
  }
}
