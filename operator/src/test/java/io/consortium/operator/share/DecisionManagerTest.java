package io.consortium.operator.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who set spec.decision, as a real API server records it in managedFields. */
class DecisionManagerTest {

  @Test
  void the_field_manager_that_owns_spec_decision_is_who_decided() {
    KeyShare share = shareManagedBy(
        entry("consortium-operator", "2026-12-01T10:00:00Z", Map.of("f:spec", Map.of("f:from", Map.of()))),
        entry("kubectl-patch", "2026-12-01T10:05:00Z", Map.of("f:spec", Map.of("f:decision", Map.of()))));

    assertThat(Inbox.decisionManager(share)).contains("kubectl-patch");
  }

  @Test
  void when_several_managers_set_it_the_newest_is_named() {
    KeyShare share = shareManagedBy(
        entry("argocd-controller", "2026-12-01T11:00:00Z", Map.of("f:spec", Map.of("f:decision", Map.of()))),
        entry("kubectl-client-side-apply", "2026-12-01T09:00:00Z", Map.of("f:spec", Map.of("f:decision", Map.of()))));

    assertThat(Inbox.decisionManager(share)).contains("argocd-controller");
  }

  @Test
  void an_api_server_that_keeps_no_managed_fields_names_nobody() {
    assertThat(Inbox.decisionManager(new KeyShare())).isEmpty();
    assertThat(Inbox.decisionManager(shareManagedBy(
        entry("kubectl-edit", "2026-12-01T10:00:00Z", Map.of("f:metadata", Map.of()))))).isEmpty();
  }

  private static KeyShare shareManagedBy(ManagedFieldsEntry... entries) {
    KeyShare share = new KeyShare();
    share.getMetadata().setManagedFields(List.of(entries));
    return share;
  }

  private static ManagedFieldsEntry entry(String manager, String time, Map<String, Object> fields) {
    FieldsV1 fieldsV1 = new FieldsV1();
    fields.forEach(fieldsV1::setAdditionalProperty);
    return new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update").withTime(time)
        .withFieldsV1(fieldsV1).build();
  }
}
