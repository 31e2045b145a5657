package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Where an outgoing share stands with one recipient. Moved only by the share state machine. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecipientStatus {

  @Required
  @JsonPropertyDescription("The local PeerPairing this recipient is reached through.")
  public String pairing;

  @Required
  @JsonPropertyDescription("Pending, Delivered, Accepted, Rejected, Expired or Revoked.")
  public SharePhase phase;

  @JsonPropertyDescription("The revision the recipient acknowledged last.")
  public Long revision;

  @JsonPropertyDescription("When the phase last changed (RFC 3339).")
  public String lastTransitionTime;

  @JsonPropertyDescription("Why the recipient is in this phase, in one CamelCase word.")
  public String reason;

  @JsonPropertyDescription("Details a person can act on, for example the last delivery error.")
  public String message;

  @JsonPropertyDescription("The revision the recipient refused to store, while that refusal stands; reason and"
      + " message are the recipient's (for example PrivateKeyMaterial or PayloadMismatch).")
  public Long refusedRevision;

  @JsonPropertyDescription("Who decided on the recipient's side, as it reported it.")
  public String decidedBy;

  @JsonPropertyDescription("When the recipient decided (RFC 3339).")
  public String decidedAt;

  @JsonPropertyDescription("What the decision carried back, for example a signature.")
  public DecisionResult result;

  public RecipientStatus() {}

  public RecipientStatus(String pairing, SharePhase phase) {
    this.pairing = pairing;
    this.phase = phase;
  }
}
