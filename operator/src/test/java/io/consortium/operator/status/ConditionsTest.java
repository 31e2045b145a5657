package io.consortium.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  @Test
  void last_transition_time_moves_only_when_what_a_person_reads_changes() {
    List<Condition> conditions = new ArrayList<>();
    Clock t1 = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    Clock t2 = Clock.fixed(Instant.parse("2026-11-23T11:00:00Z"), ZoneOffset.UTC);

    assertThat(Conditions.set(conditions, "Ready", ConditionStatus.False, "Waiting", "waiting", 1L, t1)).isTrue();
    assertThat(Conditions.set(conditions, "Ready", ConditionStatus.False, "Waiting", "waiting", 2L, t2)).isFalse();
    assertThat(conditions).singleElement().satisfies(c -> {
      assertThat(c.lastTransitionTime).isEqualTo("2026-11-23T10:00:00Z");
      assertThat(c.observedGeneration).isEqualTo(2L);
    });

    assertThat(Conditions.set(conditions, "Ready", ConditionStatus.True, "Connected", "up", 2L, t2)).isTrue();
    assertThat(conditions).singleElement().satisfies(c -> assertThat(c.lastTransitionTime).isEqualTo("2026-11-23T11:00:00Z"));
    assertThat(Conditions.isTrue(conditions, "Ready")).isTrue();
  }
}
