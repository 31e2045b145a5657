package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;
import io.consortium.operator.api.ResourceNames;

/** A local Fabric admin identity that signs a config update. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProposalSigner {

  @Required
  @JsonPropertyDescription("MSP ID of the signing organization.")
  @Size(min = 1, max = 128)
  public String mspId;

  @Required
  @JsonPropertyDescription("Secret with the admin's certificate (cert.pem or tls.crt) and EC private key (key.pem or tls.key).")
  @Size(max = ResourceNames.SUBDOMAIN_MAX)
  @Pattern(ResourceNames.SUBDOMAIN_PATTERN)
  public String secretName;
}
