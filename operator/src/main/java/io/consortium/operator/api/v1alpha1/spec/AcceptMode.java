package io.consortium.operator.api.v1alpha1.spec;

/** Whether incoming shares of a kind wait for a person (Manual) or are accepted at once (Auto). */
public enum AcceptMode {
  Manual,
  Auto
}
