package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A chaincode run as a service: the same image, by digest, in every org. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CcaasSpec {

  @Required
  @Pattern("^[^@\\s]+@sha256:[a-f0-9]{64}$")
  @JsonPropertyDescription("Container image pinned by digest (REPOSITORY@sha256:HEX), so every org runs the same bytes.")
  public String image;

  @Default("9999")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the chaincode server listens on. Default 9999.")
  public Integer port;
}
