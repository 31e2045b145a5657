package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.DecisionResult;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigProposalStatus extends ShareStatus {

  @JsonPropertyDescription("Approvals against the policy, for example '2/3 (MAJORITY needs 2)'.")
  public String policySummary;

  @JsonPropertyDescription("Outgoing: approvals received so far.")
  public Integer approvals;

  @JsonPropertyDescription("Outgoing: approvals the policy needs.")
  public Integer approvalsNeeded;

  @JsonPropertyDescription("Outgoing: true once the policy is met.")
  public Boolean policySatisfied;

  @JsonPropertyDescription("Outgoing: when the change was submitted (RFC 3339). The operator reaches no orderer, so it"
      + " never submits a Fabric update itself: the signed envelope waits in envelopeConfigMap.")
  public String submittedAt;

  @JsonPropertyDescription("Fabric: SHA-256 (hex) of the ConfigUpdate bytes every organization signs, computed here from the bytes.")
  public String configUpdateSha256;

  @JsonPropertyDescription("Fabric: the channel the ConfigUpdate is for, read from its bytes.")
  public String channelId;

  @JsonPropertyDescription("Fabric: what the ConfigUpdate changes, read from its bytes on this side (spec.fabric.changes"
      + " is the origin's description).")
  public java.util.List<String> changes;

  @JsonPropertyDescription("Outgoing, Fabric: the proposing organization's own signature, made with spec.signer.")
  public DecisionResult originSignature;

  @JsonPropertyDescription("Outgoing, Fabric: once the policy is met, the ConfigMap with the signed CONFIG_UPDATE envelope"
      + " to submit with peer channel update.")
  public String envelopeConfigMap;
}
