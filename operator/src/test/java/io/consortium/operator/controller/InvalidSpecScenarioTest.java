package io.consortium.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.consortium.operator.api.Kinds;
import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.InvalidSpec;
import io.consortium.operator.testing.InvalidInputs;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Org1's operator and what people write by hand or through GitOps: a resource the API server would
 * refuse (the embedded one stores anything) is shown as Ready=False InvalidSpec naming the field and
 * what is allowed, with one Event, and nothing else happens: no stack trace, no retry loop, no
 * invitation, no share sent with a default instead of what was written. Fixing it clears it.
 */
class InvalidSpecScenarioTest {

  @TempDir static Path workdir;
  static Org org1;
  static final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void start() {
    log.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
    org1 = Org.clusterWithoutCrdRules("inputs", workdir).startOperator();
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    org1.close();
  }

  static Stream<InvalidInputs.Case> cases() {
    return InvalidInputs.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void a_bad_field_is_named_once_and_nothing_else_happens(InvalidInputs.Case bad) {
    org1.client().resource(bad.yaml()).create();

    Condition ready = awaitInvalidSpec(bad.kind(), bad.name());
    assertThat(ready.message).as("the condition names the field and what is allowed")
        .contains(bad.path() + ": ").contains(bad.says());
    // Events are written off the reconcile: wait for it.
    Org.await("the InvalidSpec Event", Pairings.WAIT, () -> !invalidSpecEvents(bad.name()).isEmpty());
    assertThat(invalidSpecEvents(bad.name())).as("one Event, not one per retry").hasSize(1)
        .first().satisfies(e -> assertThat(e.getMessage()).isEqualTo(ready.message));

    // Looked at again without a change of spec (an annotation): nothing is written again.
    String version = resource(bad.kind(), bad.name()).getMetadata().getResourceVersion();
    annotate(bad.kind(), bad.name());
    String annotated = resource(bad.kind(), bad.name()).getMetadata().getResourceVersion();
    awaitBarrier(bad.name());
    assertThat(resource(bad.kind(), bad.name()).getMetadata().getResourceVersion())
        .as("no status written after the annotation (was %s before it)", version).isEqualTo(annotated);
    assertThat(invalidSpecEvents(bad.name())).hasSize(1);
    assertThat(exceptionsAbout(bad.name())).as("exceptions logged about %s", bad.name()).isEmpty();
    assertThat(org1.client().secrets().list().getItems())
        .as("no invitation or key is made for an invalid resource")
        .noneMatch(s -> s.getMetadata().getName().startsWith(bad.name()));
  }

  @Test
  void fixing_the_field_clears_invalid_spec_and_the_pairing_goes_ahead() {
    org1.client().resource("""
        apiVersion: consortium.io/v1alpha1
        kind: PeerPairing
        metadata: {name: fixed}
        spec: {invite: {flow: Sideways}}
        """).create();
    awaitInvalidSpec("PeerPairing", "fixed");
    org1.client().resources(PeerPairing.class).withName("fixed")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"invite\":{\"flow\":\"InviterToInvitee\"}}}");

    Pairings.awaitPhase(org1, "fixed", PairingPhase.Invited);
    PeerPairing fixed = Pairings.pairing(org1, "fixed");
    assertThat(fixed.getStatus().flow.name()).isEqualTo("InviterToInvitee");
    assertThat(Conditions.find(fixed.getStatus().conditions, Conditions.READY).orElseThrow().reason)
        .isNotEqualTo(InvalidSpec.REASON);
    assertThat(exceptionsAbout("fixed")).isEmpty();
  }

  @Test
  void an_expiry_already_past_is_refused_on_a_new_share_although_no_crd_can_say_so() {
    // CEL has no clock: only the operator can tell that 2020 has passed. A share never offered is
    // refused rather than sent as already expired.
    org1.client().resource("""
        apiVersion: consortium.io/v1alpha1
        kind: KeyShare
        metadata: {name: expired-at-birth}
        spec: {to: [org2], generate: {}, expiresAt: "2020-01-01T00:00:00+01:00"}
        """).create();
    Condition ready = awaitInvalidSpec("KeyShare", "expired-at-birth");
    assertThat(ready.message).startsWith("spec.expiresAt: Invalid value: \"2020-01-01T00:00:00+01:00\": already passed");
    Org.await("the InvalidSpec Event", Pairings.WAIT, () -> !invalidSpecEvents("expired-at-birth").isEmpty());
    assertThat(invalidSpecEvents("expired-at-birth")).hasSize(1);
  }

  @Test
  void a_name_no_real_api_server_takes_is_refused_at_create_not_stored_unreachable() {
    // The embedded store kept such names but could never find them again by name: the operator then
    // looped on PATCH 404 and nothing could delete them.
    assertThatThrownBy(() -> org1.client().resource("""
        apiVersion: consortium.io/v1alpha1
        kind: KeyShare
        metadata: {name: clé-ü}
        spec: {to: [org2], generate: {}}
        """).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getMessage()).contains("metadata.name: Invalid value: \"clé-ü\"");
        });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static Condition awaitInvalidSpec(String kind, String name) {
    Org.await(kind + " " + name + " to be Ready=False " + InvalidSpec.REASON + " with an Event", Pairings.WAIT,
        () -> ready(kind, name).filter(c -> InvalidSpec.REASON.equals(c.reason)).isPresent()
            && !invalidSpecEvents(name).isEmpty());
    Condition ready = ready(kind, name).orElseThrow();
    assertThat(ready.status).isEqualTo(ConditionStatus.False);
    return ready;
  }

  @SuppressWarnings("unchecked")
  private static Optional<Condition> ready(String kind, String name) {
    GenericKubernetesResource resource = resource(kind, name);
    if (resource == null || !(resource.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
        || !(status.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream().map(c -> (Map<String, Object>) c).filter(c -> Conditions.READY.equals(c.get("type")))
        .findFirst().map(c -> new Condition(Conditions.READY, ConditionStatus.valueOf((String) c.get("status")),
            (String) c.get("reason"), (String) c.get("message"), null, null));
  }

  private static GenericKubernetesResource resource(String kind, String name) {
    Class<? extends HasMetadata> type = Kinds.ALL.stream().filter(k -> HasMetadata.getKind(k).equals(kind))
        .findFirst().orElseThrow();
    return org1.client().genericKubernetesResources(HasMetadata.getApiVersion(type), kind).withName(name).get();
  }

  private static void annotate(String kind, String name) {
    Class<? extends HasMetadata> type = Kinds.ALL.stream().filter(k -> HasMetadata.getKind(k).equals(kind))
        .findFirst().orElseThrow();
    org1.client().genericKubernetesResources(HasMetadata.getApiVersion(type), kind).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"example.com/touched\":\"yes\"}}}");
  }

  /**
   * A local node created after the annotation, and reconciled: the operator has since had its chance
   * to look at the annotated resource again (a loop would have written by now, or will in later cases).
   */
  private static void awaitBarrier(String after) {
    String name = "barrier-" + after.substring(0, Math.min(after.length(), 40));
    org1.client().resource("""
        apiVersion: consortium.io/v1alpha1
        kind: ConsortiumNode
        metadata: {name: %s}
        spec: {type: FabricPeer, mspId: Org1MSP}
        """.formatted(name)).create();
    Org.await("the barrier node " + name, Pairings.WAIT, () -> {
      ConsortiumNode n = org1.client().resources(ConsortiumNode.class).withName(name).get();
      return n != null && Conditions.isTrue(n.getStatus() == null ? null : n.getStatus().conditions, Conditions.READY);
    });
  }

  private static List<Event> invalidSpecEvents(String name) {
    return org1.client().v1().events().list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && InvalidSpec.REASON.equals(e.getReason()))
        .toList();
  }

  private static List<String> exceptionsAbout(String name) {
    synchronized (log) {
      return log.list.stream()
          .filter(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
          .filter(e -> e.getFormattedMessage().contains("'" + name + "'") || e.getFormattedMessage().contains("/" + name)
              || e.getFormattedMessage().contains(" " + name + " ") || e.getFormattedMessage().contains(name + ":"))
          .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
  }
}
