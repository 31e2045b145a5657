package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyShareStatus extends ShareStatus {

  @JsonPropertyDescription("EC or RSA.")
  public String algorithm;

  @JsonPropertyDescription("The EC curve, for example P-256.")
  public String curve;

  @JsonPropertyDescription("Key size in bits.")
  public Integer keySize;

  @JsonPropertyDescription("SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo.")
  public String fingerprint;

  @JsonPropertyDescription("Outgoing with spec.generate: the local Secret holding the generated private key.")
  public String generatedSecretName;

  @JsonPropertyDescription("Incoming, once accepted: the ConfigMap holding the PEM public material.")
  public String configMapName;
}
