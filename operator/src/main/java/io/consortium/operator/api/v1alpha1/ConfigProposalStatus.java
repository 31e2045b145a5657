package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

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

  @JsonPropertyDescription("Outgoing: when the change was submitted (RFC 3339).")
  public String submittedAt;
}
