package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static io.consortium.operator.testing.Shares.awaitIncoming;
import static io.consortium.operator.testing.Shares.awaitRecipient;
import static io.consortium.operator.testing.Shares.decide;
import static io.consortium.operator.testing.Shares.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.Shares;
import io.consortium.operator.testing.TcpProxy;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens between two orgs while their link is down is settled when it comes back. */
class ResyncScenarioTest {

  @TempDir Path workdir;
  Org org1;
  Org org2;
  TcpProxy network;

  @BeforeEach
  void pair() throws Exception {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).withStuckAfter(Duration.ofSeconds(2)).startOperator();
    network = new TcpProxy(org1.operator().meshPort());
    accept(org2, "org1", invite(org1, "org2", i -> i.externalUrl = "wss://127.0.0.1:" + network.port()));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1", PairingPhase.Connected);
  }

  @AfterEach
  void stop() throws Exception {
    org2.close();
    org1.close();
    network.close();
  }

  @Test
  void a_share_deleted_one_updated_and_one_decided_while_the_link_was_down_agree_after_reconnect() throws Exception {
    for (String name : List.of("gone", "changed", "decided")) {
      share(org1, name, "org2");
      awaitRecipient(org1, KeyShare.class, name, "org2", SharePhase.Delivered);
    }
    double org1Before = fullInventoriesSent(org1);
    double org2Before = fullInventoriesSent(org2);

    network.cut();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    awaitPhase(org2, "org1", PairingPhase.Disconnected);
    // Org2 is unreachable: deleting without waiting for it is the person's explicit choice.
    org1.client().resources(KeyShare.class).withName("gone").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"consortium.io/force-delete\":\"true\"}}}");
    org1.client().resources(KeyShare.class).withName("gone").delete();
    org1.client().resources(KeyShare.class).withName("changed").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"usage\":\"Node\"}}");
    decide(org2, KeyShare.class, "org1-decided", "Accept");
    Org.await("org1's share to go", Pairings.WAIT,
        () -> org1.client().resources(KeyShare.class).withName("gone").get() == null);
    Org.await("org2 to decide locally", Pairings.WAIT,
        () -> phase(org2, KeyShare.class, "org1-decided") == SharePhase.Accepted);

    network.restore();
    awaitPhase(org2, "org1", PairingPhase.Connected);

    Org.await("org2 to learn the deleted share is gone", Pairings.WAIT,
        () -> phase(org2, KeyShare.class, "org1-gone") == SharePhase.Revoked);
    Org.await("org2 to hold revision 2 of the changed share", Pairings.WAIT, () -> {
      KeyShare changed = org2.client().resources(KeyShare.class).withName("org1-changed").get();
      return changed.getSpec().from.revision == 2 && changed.getSpec().usage == KeyUsage.Node;
    });
    awaitRecipient(org1, KeyShare.class, "changed", "org2", SharePhase.Delivered);
    awaitRecipient(org1, KeyShare.class, "decided", "org2", SharePhase.Accepted);
    assertThat(phase(org2, KeyShare.class, "org1-changed")).isEqualTo(SharePhase.Pending);
    assertThat(org2.client().resources(KeyShare.class).list().getItems()).as("nothing duplicated").hasSize(3);
    assertThat(fullInventoriesSent(org1) - org1Before).as("org1's full inventories").isLessThanOrEqualTo(1);
    assertThat(fullInventoriesSent(org2) - org2Before).as("org2's full inventories").isLessThanOrEqualTo(1);
  }

  @Test
  void a_share_the_receiver_cannot_store_shows_delivery_stalled_with_the_receivers_error() {
    // Org2 already has a resource under the name the incoming share would take.
    KeyShare squatter = new KeyShare();
    squatter.getMetadata().setName("org1-blocked");
    squatter.setSpec(new KeyShareSpec());
    squatter.getSpec().to = List.of("org1");
    squatter.getSpec().generate = new KeyGeneration();
    org2.client().resource(squatter).create();
    org1.withStuckAfter(Duration.ofSeconds(2));
    org1.stopOperator();
    org1.startOperator();
    awaitPhase(org1, "org2", PairingPhase.Connected);

    share(org1, "blocked", "org2");

    // Stalled may first say "no acknowledgement yet"; the receiver's error follows with its refusal.
    Org.await("DeliveryStalled with org2's error on org1's share", Pairings.WAIT, () -> stalled(org1, "blocked")
        .map(c -> c.status.name().equals("True") && c.message.contains("already exists")).orElse(false));
    Condition stalled = stalled(org1, "blocked").orElseThrow();
    assertThat(stalled.message).contains("org2").contains("already exists");
    assertThat(Shares.recipient(org1, KeyShare.class, "blocked", "org2").orElseThrow().reason)
        .isEqualTo("ReceiverRefused");
    Org.await("the DeliveryStalled Event", Pairings.WAIT, () -> org1.client().v1().events().list().getItems().stream()
        .anyMatch(e -> "DeliveryStalled".equals(e.getReason()) && e.getMessage().contains("org2")));
    assertThat(org2.client().resources(KeyShare.class).withName("org1-blocked").get().getSpec().from)
        .as("org2's own resource is untouched").isNull();
  }

  private static Optional<Condition> stalled(Org org, String name) {
    KeyShare share = org.client().resources(KeyShare.class).withName(name).get();
    return share == null || share.getStatus() == null ? Optional.empty()
        : Conditions.find(share.getStatus().conditions, "DeliveryStalled");
  }

  private static void share(Org org, String name, String... to) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of(to);
    share.getSpec().generate = new KeyGeneration();
    share.getSpec().usage = KeyUsage.Admin;
    org.client().resource(share).create();
  }

  private static double fullInventoriesSent(Org org) throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + org.operator().healthPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().filter(l -> l.startsWith("consortium_link_full_inventories_sent_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
