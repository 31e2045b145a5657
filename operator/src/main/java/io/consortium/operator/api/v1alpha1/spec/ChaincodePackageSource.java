package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Where the chaincode package comes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChaincodePackageSource {

  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$")
  @JsonPropertyDescription("Package label, as in metadata.json.")
  public String label;

  @JsonPropertyDescription("Outgoing: the package (.tar.gz) in a ConfigMap's binaryData.")
  public ConfigMapKeyRef configMapRef;

  @JsonPropertyDescription("Incoming: SHA-256 (hex) of the package received.")
  public String sha256;
}
