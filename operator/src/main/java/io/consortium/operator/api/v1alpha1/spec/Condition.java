package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A condition in the Kubernetes API conventions (metav1.Condition). Built only by {@code status.Conditions}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

  @Required
  @JsonPropertyDescription("Type of the condition, for example Ready, Connected or Delivered.")
  public String type;

  @Required
  @JsonPropertyDescription("True, False or Unknown.")
  public ConditionStatus status;

  @JsonPropertyDescription("One word in CamelCase that says why the condition is as it is, for example InvitationExpired.")
  public String reason;

  @JsonPropertyDescription("What happened and what a person can do about it.")
  public String message;

  @JsonPropertyDescription("When the status, reason or message last changed (RFC 3339).")
  public String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation the condition was computed from.")
  public Long observedGeneration;

  public Condition() {}

  public Condition(String type, ConditionStatus status, String reason, String message,
      String lastTransitionTime, Long observedGeneration) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
    this.lastTransitionTime = lastTransitionTime;
    this.observedGeneration = observedGeneration;
  }

  /** Same meaning (status, reason, message), whatever the timestamps. */
  public boolean sameStateAs(Condition other) {
    return other != null
        && java.util.Objects.equals(type, other.type)
        && status == other.status
        && java.util.Objects.equals(reason, other.reason)
        && java.util.Objects.equals(message, other.message);
  }

  @Override
  public String toString() {
    return type + "=" + status + " (" + reason + ": " + message + ")";
  }
}
