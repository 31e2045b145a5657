package io.consortium.operator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: three organizations, paired, and the key-sharing story, end to end. */
class DemoConsortiumTest {

  @TempDir Path workdir;

  @Test
  void the_demo_pairs_three_orgs_and_tells_the_story_that_kubectl_then_shows() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (DemoConsortium demo = new DemoConsortium(new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      demo.start(3, workdir);
      demo.pairAll();
      demo.tellTheStory();

      var org2 = demo.organizations().get(1);
      KeyShare accepted = org2.client().resources(KeyShare.class).withName("org1-org1-admin-cert").get();
      assertThat(accepted.getStatus().phase).as("accepted, then revoked by org1").isEqualTo(SharePhase.Revoked);
      assertThat(accepted.getStatus().decidedBy).isNotBlank();
      assertThat(org2.client().configMaps().withName("org1-org1-admin-cert-public-key").get()).isNotNull();
      var org3 = demo.organizations().get(2);
      assertThat(org3.client().configMaps().withName("org1-org1-admin-cert-public-key").get()).isNull();
      assertThat(Files.exists(workdir.resolve("org2.kubeconfig"))).isTrue();
    }
    String story = printed.toString(StandardCharsets.UTF_8);
    assertThat(story).contains("paired: org1 <-> org2 (Connected)", "paired: org1 <-> org3 (Connected)",
        "1/2 Accepted, 1/2 Rejected", "2. org2 accepts", "4. org1 revokes", "5. org1 makes a TLS CA key pair");
    assertThat(story.lines().filter(l -> l.contains("keyshare/org1-org1-tls-ca") && l.contains("Accepted")))
        .as("org2 keeps the key it accepted last").isNotEmpty();
  }

  @Test
  void a_demo_started_again_in_the_same_directory_brings_the_consortium_back_linked() {
    String org1Id;
    try (DemoConsortium first = new DemoConsortium(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8))) {
      first.start(2, workdir);
      assertThat(first.restored()).as("a new work directory").isFalse();
      first.pairAll();
      org1Id = first.organizations().get(0).operator().identity().instanceId();
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (DemoConsortium again = new DemoConsortium(new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      again.start(2, workdir);

      assertThat(again.restored()).isTrue();
      assertThat(again.organizations().get(0).operator().identity().instanceId()).isEqualTo(org1Id);
      again.reconnect();
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("reconnected: org1 <-> org2 (Connected, no new invitation)")
        .contains(workdir.resolve("org1-data").toString());
  }
}
