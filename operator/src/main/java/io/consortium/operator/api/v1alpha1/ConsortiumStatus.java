package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import java.util.ArrayList;
import java.util.List;

/** What every kind's status has: conditions in the Kubernetes API conventions and the generation they saw. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class ConsortiumStatus {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Conditions in the Kubernetes API conventions; Ready summarizes the others.")
  public List<Condition> conditions = new ArrayList<>();
}
