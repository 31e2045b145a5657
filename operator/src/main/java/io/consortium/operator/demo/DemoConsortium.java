package io.consortium.operator.demo;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingSpec;
import io.consortium.operator.api.v1alpha1.spec.InvitationAcceptance;
import io.consortium.operator.api.v1alpha1.spec.InvitationRequest;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.embedded.DataDirectory;
import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.runtime.OperatorRuntime;
import io.consortium.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A whole consortium on one machine: each organization an embedded API server with its own
 * kubeconfig and its own operator, paired over real TLS links on loopback, and a story told with
 * the same resources a person would apply.
 */
public final class DemoConsortium implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** One organization: its "cluster", its operator, a client as its administrator. */
  public record Organization(String name, EmbeddedApiServer cluster, OperatorRuntime operator,
      KubernetesClient client, Path kubeconfig) {}

  private final List<Organization> orgs = new ArrayList<>();
  private final PrintStream out;

  public DemoConsortium(PrintStream out) {
    this.out = out;
  }

  public List<Organization> organizations() {
    return orgs;
  }

  /**
   * Starts {@code count} organizations, org1 to orgN, with their kubeconfigs in {@code workdir} and their
   * clusters' objects in {@code workdir/orgN-data}: a demo started again in the same directory finds its
   * consortium as it left it, on the same ports, and the links come back.
   */
  public void start(int count, Path workdir) {
    for (int i = 1; i <= count; i++) {
      String name = "org" + i;
      DataDirectory data = DataDirectory.open(workdir.resolve(name + "-data"));
      EmbeddedApiServer cluster = EmbeddedApiServer.start(data.port("embedded-port").orElse(0), data);
      data.rememberPort("embedded-port", cluster.port());
      Path kubeconfig = workdir.resolve(name + ".kubeconfig");
      cluster.writeKubeconfig(kubeconfig, name, name);
      KubernetesClient client = cluster.newClient(name);
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .createOr(NonDeletingOperation::update);
      OperatorRuntime operator;
      try {
        operator = OperatorRuntime.start(OperatorSettings.builder().namespace(name).instanceName(name)
            .meshBindAddress("127.0.0.1").meshPort(data.port("mesh-port").orElse(0)).healthPort(0)
            .kubeconfig(kubeconfig).build(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        client.close();
        cluster.close();
        throw e;
      }
      // The invitations org1 issued name this port: the next start takes it again.
      data.rememberPort("mesh-port", operator.meshPort());
      orgs.add(new Organization(name, cluster, operator, client, kubeconfig));
      out.printf("%s: API server %s, instance ID %s..., kubeconfig %s, data %s%n", name, cluster.url(),
          operator.identity().instanceId().substring(0, 16), kubeconfig, data.path());
    }
  }

  /** Whether the organizations were restored from an earlier run (org1 has pairings already). */
  public boolean restored() {
    return !orgs.get(0).client().resources(PeerPairing.class).list().getItems().isEmpty();
  }

  /** A restored consortium: waits until org1's links to the organizations started are back, with no new invitation. */
  public void reconnect() {
    Organization org1 = orgs.get(0);
    for (Organization other : orgs.subList(1, orgs.size())) {
      if (phase(org1, other.name()) == null) {
        continue;
      }
      await("org1 and " + other.name() + " to reconnect", () -> phase(org1, other.name()) == PairingPhase.Connected
          && phase(other, org1.name()) == PairingPhase.Connected);
      out.printf("reconnected: org1 <-> %s (Connected, no new invitation)%n", other.name());
    }
    showShares();
  }

  /** org1 invites every other organization; each redeems; waits until every link is up. */
  public void pairAll() {
    Organization org1 = orgs.get(0);
    for (Organization other : orgs.subList(1, orgs.size())) {
      PeerPairing invite = new PeerPairing();
      invite.getMetadata().setName(other.name());
      invite.setSpec(new PeerPairingSpec());
      invite.getSpec().invite = new InvitationRequest();
      org1.client().resource(invite).create();
      await(org1.name() + " to invite " + other.name(), () -> phase(org1, other.name()) == PairingPhase.Invited);
      String secretName = org1.client().resources(PeerPairing.class).withName(other.name()).get()
          .getStatus().invitation.secretName;
      String invitation = org1.client().secrets().withName(secretName).get().getData().get("invitation");
      other.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("invitation-from-org1")
          .endMetadata().withData(Map.of("invitation", invitation)).build()).create();
      PeerPairing accept = new PeerPairing();
      accept.getMetadata().setName(org1.name());
      accept.setSpec(new PeerPairingSpec());
      accept.getSpec().accept = new InvitationAcceptance();
      accept.getSpec().accept.invitationSecretRef = new SecretKeyRef("invitation-from-org1", null);
      other.client().resource(accept).create();
      await(other.name() + " and org1 to connect", () -> phase(other, org1.name()) == PairingPhase.Connected
          && phase(org1, other.name()) == PairingPhase.Connected);
      out.printf("paired: org1 <-> %s (Connected)%n", other.name());
    }
  }

  /**
   * The story of the README: org1 shares a key, org2 accepts, org3 rejects, org1 revokes; then org1
   * shares a key it makes for the purpose, and org2 accepts it and keeps it.
   */
  public void tellTheStory() {
    Organization org1 = orgs.get(0);
    KeyPair admin = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String certificate = Pem.certificate(SelfSignedCertificates.selfSigned(admin, "Admin@org1.example.com", List.of(),
        Instant.now(), Duration.ofDays(365)));
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("org1-admin").endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", b64(certificate), "tls.key", b64(Pem.privateKey(admin.getPrivate())))).build())
        .create();
    KeyShare share = new KeyShare();
    share.getMetadata().setName("org1-admin-cert");
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = orgs.subList(1, orgs.size()).stream().map(Organization::name).toList();
    share.getSpec().source = new SecretKeyRef("org1-admin", null);
    share.getSpec().usage = KeyUsage.Admin;
    share.getSpec().mspId = "Org1MSP";
    org1.client().resource(share).create();
    step("1. org1 shares its admin certificate (KeyShare org1-admin-cert; the private key stays in Secret org1-admin)");
    for (Organization other : orgs.subList(1, orgs.size())) {
      await("the share to reach " + other.name(), () -> incoming(other, "org1-org1-admin-cert") != null);
    }
    await("every recipient to acknowledge", () -> recipientsIn(org1, SharePhase.Delivered) == orgs.size() - 1);
    showShares();

    if (orgs.size() > 1) {
      decide(orgs.get(1), "Accept");
      step("2. org2 accepts: kubectl patch keyshare org1-org1-admin-cert --type merge -p '{\"spec\":{\"decision\":\"Accept\"}}'");
    }
    if (orgs.size() > 2) {
      decide(orgs.get(2), "Reject");
      step("3. org3 rejects");
    }
    await("the decisions to reach org1", () -> recipientsIn(org1, SharePhase.Accepted) + recipientsIn(org1, SharePhase.Rejected)
        == orgs.size() - 1);
    showShares();

    org1.client().resources(KeyShare.class).withName("org1-admin-cert")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"revoked\":true}}");
    step("4. org1 revokes the share: org2 keeps the key it accepted, marked Revoked");
    await("every recipient to be told", () -> recipientsIn(org1, "org1-admin-cert", SharePhase.Revoked) == orgs.size() - 1);
    showShares();

    if (orgs.size() > 1) {
      KeyShare tlsCa = new KeyShare();
      tlsCa.getMetadata().setName("org1-tls-ca");
      tlsCa.setSpec(new KeyShareSpec());
      tlsCa.getSpec().to = List.of(orgs.get(1).name());
      tlsCa.getSpec().generate = new KeyGeneration();
      tlsCa.getSpec().usage = KeyUsage.TLSCARoot;
      tlsCa.getSpec().mspId = "Org1MSP";
      org1.client().resource(tlsCa).create();
      step("5. org1 makes a TLS CA key pair (the private key stays in Secret org1-tls-ca-key) and shares it with org2,"
          + " which accepts it");
      await("the TLS CA to reach org2", () -> incoming(orgs.get(1), "org1-org1-tls-ca") != null);
      decide(orgs.get(1), "org1-org1-tls-ca", "Accept");
      await("org2's decision to reach org1", () -> recipientsIn(org1, "org1-tls-ca", SharePhase.Accepted) == 1);
      showShares();
    }
  }

  private void decide(Organization org, String decision) {
    decide(org, "org1-org1-admin-cert", decision);
  }

  private void decide(Organization org, String name, String decision) {
    org.client().resources(KeyShare.class).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"decision\":\"" + decision + "\"}}");
  }

  private static KeyShare incoming(Organization org, String name) {
    return org.client().resources(KeyShare.class).withName(name).get();
  }

  private static long recipientsIn(Organization org, SharePhase phase) {
    return recipientsIn(org, "org1-admin-cert", phase);
  }

  private static long recipientsIn(Organization org, String name, SharePhase phase) {
    KeyShare share = org.client().resources(KeyShare.class).withName(name).get();
    return share == null || share.getStatus() == null ? 0
        : share.getStatus().recipients.stream().filter(r -> r.phase == phase).count();
  }

  private static PairingPhase phase(Organization org, String pairing) {
    PeerPairing p = org.client().resources(PeerPairing.class).withName(pairing).get();
    return p == null || p.getStatus() == null ? null : p.getStatus().phase;
  }

  /** What {@code kubectl get shares} shows on each organization. */
  public void showShares() {
    for (Organization org : orgs) {
      out.printf("  $ kubectl --kubeconfig %s get shares%n", org.kubeconfig());
      out.printf("  %-32s %-10s %-12s %s%n", "NAME", "DIRECTION", "PEERS", "PHASE");
      for (KeyShare share : org.client().resources(KeyShare.class).list().getItems()) {
        var status = share.getStatus();
        out.printf("  %-32s %-10s %-12s %s%n", "keyshare/" + share.getMetadata().getName(),
            status == null || status.direction == null ? "" : status.direction,
            status == null || status.peers == null ? "" : status.peers,
            status == null || status.summary == null ? "" : status.summary);
      }
    }
    out.println();
  }

  private void step(String text) {
    out.println();
    out.println(text);
  }

  private static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the demo timed out waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    for (int i = orgs.size() - 1; i >= 0; i--) {
      Organization org = orgs.get(i);
      org.operator().close();
      org.client().close();
      org.cluster().close();
    }
  }
}
