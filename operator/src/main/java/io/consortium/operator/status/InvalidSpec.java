package io.consortium.operator.status;

import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import java.util.List;
import java.util.Objects;

/**
 * A spec the API server would refuse (the CRD's schema and CEL rules, checked by the operator as well
 * because not every API server does): {@code Ready=False, InvalidSpec} with the field paths and what
 * is allowed, and one Warning Event. Written once per generation; nothing else is done with the
 * resource until it is fixed, and the next reconcile of the fixed resource sets Ready as usual.
 */
public final class InvalidSpec {

  public static final String REASON = "InvalidSpec";

  private InvalidSpec() {}

  /** Whether the Ready condition in hand already says this for this generation: nothing to write. */
  public static boolean shown(List<Condition> conditions, Long observedGeneration, String message, Long generation) {
    return Objects.equals(observedGeneration, generation) && Conditions.find(conditions, Conditions.READY)
        .filter(c -> c.status == ConditionStatus.False && REASON.equals(c.reason) && message.equals(c.message)
            && Objects.equals(c.observedGeneration, generation))
        .isPresent();
  }
}
