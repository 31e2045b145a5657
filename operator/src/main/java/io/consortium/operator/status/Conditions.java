package io.consortium.operator.status;

import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The one place conditions are set. {@code lastTransitionTime} moves only when a condition's
 * status, reason or message changes, so a reconcile that sees nothing new writes nothing new.
 */
public final class Conditions {

  public static final String READY = "Ready";

  private Conditions() {}

  /** Sets a condition in the list; returns true when something a person would see changed. */
  public static boolean set(List<Condition> conditions, String type, ConditionStatus status, String reason,
      String message, Long generation, Clock clock) {
    Condition wanted = new Condition(type, status, reason, message, null, generation);
    for (int i = 0; i < conditions.size(); i++) {
      Condition existing = conditions.get(i);
      if (type.equals(existing.type)) {
        if (existing.sameStateAs(wanted)) {
          existing.observedGeneration = generation;
          return false;
        }
        wanted.lastTransitionTime = now(clock);
        conditions.set(i, wanted);
        return true;
      }
    }
    wanted.lastTransitionTime = now(clock);
    conditions.add(wanted);
    return true;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.type)).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> c.status == ConditionStatus.True).orElse(false);
  }

  public static boolean isFalse(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> c.status == ConditionStatus.False).orElse(false);
  }

  public static void remove(List<Condition> conditions, String type) {
    conditions.removeIf(c -> type.equals(c.type));
  }

  /** RFC 3339 at second precision, as Kubernetes writes times. */
  public static String now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
