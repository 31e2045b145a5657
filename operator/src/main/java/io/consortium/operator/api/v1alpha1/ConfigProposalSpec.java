package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.BesuValidatorChange;
import io.consortium.operator.api.v1alpha1.spec.FabricConfigUpdate;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.ProposalDecision;
import io.consortium.operator.api.v1alpha1.spec.ProposalPolicy;
import io.consortium.operator.api.v1alpha1.spec.ProposalSigner;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.platform == 'Fabric' ? (has(self.fabric) && !has(self.besu)) : (has(self.besu) && !has(self.fabric))",
    message = "a Fabric proposal is described in spec.fabric and a Besu proposal in spec.besu, and only there")
@ValidationRule(
    value = "self.platform != 'Fabric' || !has(self.decision) || self.decision != 'Approve' || has(self.signer)",
    message = "approving a Fabric proposal signs it: set spec.signer to the Secret with your org admin's certificate and key")
public class ConfigProposalSpec extends ShareSpec {

  @Required
  @JsonPropertyDescription("Fabric or Besu.")
  public Platform platform;

  @Required
  @JsonPropertyDescription("One line that says what the change is.")
  public String title;

  @JsonPropertyDescription("Why the change is proposed.")
  public String description;

  @JsonPropertyDescription("Fabric: the channel config update to sign.")
  public FabricConfigUpdate fabric;

  @JsonPropertyDescription("Besu: the validator change each org votes for on its own nodes.")
  public BesuValidatorChange besu;

  @JsonPropertyDescription("How many organizations must approve before the origin submits. Default MAJORITY.")
  public ProposalPolicy policy;

  @JsonPropertyDescription("Incoming: Approve or Reject. Written by a person, by GitOps, or by the pairing's accept policy.")
  public ProposalDecision decision;

  @JsonPropertyDescription("Incoming, Fabric: the local admin identity that signs on Approve. Its key never leaves this cluster.")
  public ProposalSigner signer;

  @Override
  public Boolean decisionAccepts() {
    return decision == null ? null : decision == ProposalDecision.Approve;
  }
}
