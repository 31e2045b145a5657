package io.consortium.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.InvalidSpec;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resource with a field this version does not know (a typo applied to a server that does not prune,
 * or a field of a newer version) is read without it, as a real API server would prune it; a value this
 * version does not know for a field it knows (an enum) is InvalidSpec. Neither stops the operator.
 */
class UnknownFieldsScenarioTest {

  @TempDir Path workdir;
  Org org1;

  @AfterEach
  void stop() {
    org1.close();
  }

  @Test
  void a_typo_in_one_resource_does_not_stop_the_operator_for_the_others() {
    org1 = Org.clusterWithoutCrdRules("org1", workdir).startOperator();
    org1.client().resource("""
        apiVersion: consortium.io/v1alpha1
        kind: KeyShare
        metadata:
          name: with-a-typo
        spec:
          to: [org2]
          generate: {curve: P-256, comonName: typo}
          usageTypo: Admin
        """).create();
    org1.client().resource("""
        apiVersion: consortium.io/v1alpha1
        kind: KeyShare
        metadata:
          name: unknown-curve
        spec:
          to: [org2]
          generate: {curve: P256}
        """).create();
    org1.client().resource("""
        apiVersion: consortium.io/v1alpha1
        kind: KeyShare
        metadata:
          name: without
        spec:
          to: [org2]
          generate: {}
        """).create();

    for (String name : new String[] {"with-a-typo", "without"}) {
      Org.await(name + " reconciled", Pairings.WAIT, () -> {
        KeyShare share = org1.client().resources(KeyShare.class).withName(name).get();
        return share.getStatus() != null && share.getStatus().fingerprint != null;
      });
    }
    assertThat(org1.client().resources(KeyShare.class).withName("with-a-typo").get().getStatus().recipients)
        .singleElement().satisfies(r -> assertThat(r.reason).isEqualTo("UnknownPairing"));
    Org.await("unknown-curve refused", Pairings.WAIT, () -> {
      KeyShare share = org1.client().resources(KeyShare.class).withName("unknown-curve").get();
      return share.getStatus() != null && Conditions.find(share.getStatus().conditions, Conditions.READY)
          .filter(c -> InvalidSpec.REASON.equals(c.reason) && c.message.startsWith("spec.generate.curve: Unsupported"
              + " value: \"P256\"")).isPresent();
    });
    assertThat(org1.client().resources(KeyShare.class).withName("unknown-curve").get().getStatus().fingerprint)
        .as("no key made on a curve nobody asked for").isNull();
  }
}
