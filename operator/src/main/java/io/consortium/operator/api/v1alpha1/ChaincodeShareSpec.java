package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeLevel;
import io.consortium.operator.api.v1alpha1.spec.ChaincodePackageSource;
import io.consortium.operator.api.v1alpha1.spec.CcaasSpec;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.level != 'Package' || has(self.packageSource)",
    message = "a ChaincodeShare at level Package needs spec.packageSource")
public class ChaincodeShareSpec extends ShareSpec {

  @Default("Package")
  @JsonPropertyDescription("Source, Package (default) or Installed: how far the receiver is handed the chaincode.")
  public ChaincodeLevel level;

  @Required
  @JsonPropertyDescription("The definition every org must approve identically.")
  public ChaincodeDefinition definition;

  @JsonPropertyDescription("The chaincode package every org installs, byte for byte.")
  public ChaincodePackageSource packageSource;

  @JsonPropertyDescription("Chaincode as a service: the image, pinned by digest, that every org runs.")
  public CcaasSpec ccaas;

  @JsonPropertyDescription("Incoming: Accept or Reject. Written by a person, by GitOps, or by the pairing's accept policy.")
  public Decision decision;

  @Override
  public Boolean decisionAccepts() {
    return decision == null ? null : decision == Decision.Accept;
  }
}
