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
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.platform == 'Fabric' ? (has(self.fabric) && !has(self.besu)) : (has(self.besu) && !has(self.fabric))",
    message = "a Fabric proposal is described in spec.fabric and a Besu proposal in spec.besu, and only there")
public class ConfigProposalSpec extends ShareSpec {

  @Required
  @JsonPropertyDescription("Fabric or Besu.")
  public Platform platform;

  @Required
  @JsonPropertyDescription("One line that says what the change is.")
  @Size(min = 1, max = 256)
  public String title;

  @JsonPropertyDescription("Why the change is proposed.")
  @Size(max = 4096)
  public String description;

  @JsonPropertyDescription("Fabric: the channel config update to sign.")
  public FabricConfigUpdate fabric;

  @JsonPropertyDescription("Besu: the validator change each org votes for on its own nodes.")
  public BesuValidatorChange besu;

  @JsonPropertyDescription("How many organizations must approve before the origin submits. Default MAJORITY.")
  public ProposalPolicy policy;

  @JsonPropertyDescription("Incoming: Approve or Reject. Written by a person, by GitOps, or by the pairing's accept policy.")
  public ProposalDecision decision;

  // No CEL rule ties Approve to a signer: an approval without one (for example from an Auto accept
  // policy) is held by the operator with DecisionAttached=False until spec.signer is set.
  @JsonPropertyDescription("Fabric: the local admin identity that signs. Incoming: signs on Approve (an Approve without it"
      + " is held until it is set). Outgoing: signs for the proposing organization, whose approval then counts."
      + " Its key never leaves this cluster.")
  public ProposalSigner signer;

  @JsonPropertyDescription("Incoming, Besu: the HTTP JSON-RPC URL of this organization's own validator (QBFT in its"
      + " --rpc-http-api). With it, Approve casts the vote there (qbft_proposeValidatorVote) and is held while the node"
      + " refuses; without it each organization votes by hand (consortium-operator besu vote propose).")
  @Size(max = 2048)
  public String validatorRpcUrl;

  @Override
  public Boolean decisionAccepts() {
    return decision == null ? null : decision == ProposalDecision.Approve;
  }
}
