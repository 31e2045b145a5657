package io.consortium.operator.api.v1alpha1.spec;

/** The status of a condition, spelled as Kubernetes spells it. */
public enum ConditionStatus {
  True,
  False,
  Unknown
}
