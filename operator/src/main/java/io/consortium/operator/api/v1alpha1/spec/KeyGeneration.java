package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;
import io.consortium.operator.api.ResourceNames;

/** A key pair for the operator to make locally. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyGeneration {

  /** The curves the operator generates keys on. */
  public enum Curve {
    @com.fasterxml.jackson.annotation.JsonProperty("P-256")
    P256,
    @com.fasterxml.jackson.annotation.JsonProperty("P-384")
    P384
  }

  @Default("P-256")
  @JsonPropertyDescription("EC curve: P-256 (default) or P-384.")
  public Curve curve;

  @JsonPropertyDescription("Subject common name of the self-signed certificate. Default: the KeyShare's name.")
  @Size(min = 1, max = 64)
  public String commonName;

  @JsonPropertyDescription("Secret to keep the private key in. Default: <keyshare>-key.")
  @Size(max = ResourceNames.SUBDOMAIN_MAX)
  @Pattern(ResourceNames.SUBDOMAIN_PATTERN)
  public String secretName;
}
