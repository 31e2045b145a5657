package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A local Fabric admin identity that signs a config update. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProposalSigner {

  @Required
  @JsonPropertyDescription("MSP ID of the signing organization.")
  public String mspId;

  @Required
  @JsonPropertyDescription("Secret with the admin's certificate (cert.pem or tls.crt) and EC private key (key.pem or tls.key).")
  public String secretName;
}
