package io.consortium.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.testing.InvalidInputs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The embedded API server refuses what a real one refuses, with its words: every bad input of our
 * own resources (the table the operator's checks and the CRD test use too), and an update that breaks
 * a transition rule; nothing of it is stored.
 */
class EmbeddedCrdRulesTest {

  private static EmbeddedApiServer server;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    server = EmbeddedApiServer.start(0);
    client = server.newClient("default");
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static Stream<InvalidInputs.Case> badInputs() {
    // A past expiresAt needs a clock: CEL has none, so only the operator refuses it.
    return InvalidInputs.all().stream().filter(c -> !c.says().contains("already passed"));
  }

  @ParameterizedTest
  @MethodSource("badInputs")
  void each_bad_input_is_refused_with_422_naming_the_field_and_nothing_is_stored(InvalidInputs.Case bad) {
    assertThatThrownBy(() -> client.resource(bad.yaml()).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).contains(bad.kind()).contains("is invalid")
              .contains(bad.path() + ": ").contains(bad.says());
          assertThat(e.getStatus().getDetails().getCauses()).anySatisfy(cause ->
              assertThat(cause.getField()).isEqualTo(bad.path()));
        });
    assertThat(client.genericKubernetesResources("consortium.io/v1alpha1", bad.kind()).withName(bad.name()).get())
        .isNull();
  }

  @Test
  void an_update_that_breaks_a_transition_rule_is_refused_and_the_operator_may_write_a_new_revision() {
    client.resource("""
        apiVersion: consortium.io/v1alpha1
        kind: KeyShare
        metadata: {name: org1-ca}
        spec:
          from: {pairing: org1, shareUid: 6f1c2a7e-0b1d-4c55-9a43-2f1d1f0e9b11, revision: 2}
          material: {publicKey: PEM, fingerprint: f1}
        """).create();
    var keyShares = client.resources(KeyShare.class).withName("org1-ca");

    // The operator's new revision: spec.from moves forward (a real server refused this once, 422).
    keyShares.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"from\":{\"revision\":3}}}");
    assertThat(keyShares.get().getSpec().from.revision).isEqualTo(3);

    // Nobody may take spec.from back to an older revision, or make the share another one.
    assertThatThrownBy(() -> keyShares.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"from\":{\"revision\":1}}}"))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).contains("spec.from is written by the operator");
        });
    assertThatThrownBy(() -> keyShares.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"to\":[\"org2\"]}}"))
        .isInstanceOfSatisfying(KubernetesClientException.class, e ->
            assertThat(e.getStatus().getMessage()).contains("a share cannot change direction"));
    assertThat(keyShares.get().getSpec().from.revision).isEqualTo(3);
  }
}
