package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * What a decision carries back to the origin besides its outcome, for example the approving
 * organization's Fabric ConfigSignature. Every kind uses the same path; most carry none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DecisionResult {

  @Required
  @JsonPropertyDescription("What the data is, for example FabricConfigSignature.")
  public String type;

  @JsonPropertyDescription("The attachment, base64.")
  public String data;

  @JsonPropertyDescription("Who made it, for example the signer's MSP ID and certificate subject.")
  public String signer;
}
