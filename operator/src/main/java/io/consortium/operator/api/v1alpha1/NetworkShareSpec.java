package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.BesuNetwork;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.api.v1alpha1.spec.FabricChannel;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.platform == 'Fabric' ? (has(self.fabric) && !has(self.besu)) : (has(self.besu) && !has(self.fabric))",
    message = "a Fabric network is described in spec.fabric and a Besu network in spec.besu, and only there")
public class NetworkShareSpec extends ShareSpec {

  @Required
  @JsonPropertyDescription("Fabric or Besu.")
  public Platform platform;

  @JsonPropertyDescription("The Fabric channel: ID, orderers with their TLS CA, member MSPs, config block.")
  public FabricChannel fabric;

  @JsonPropertyDescription("The Besu network: chain ID, genesis, bootnodes, validators.")
  public BesuNetwork besu;

  @JsonPropertyDescription("Incoming: Accept or Reject. Written by a person, by GitOps, or by the pairing's accept policy.")
  public Decision decision;

  @Override
  public Boolean decisionAccepts() {
    return decision == null ? null : decision == Decision.Accept;
  }
}
