package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.CertificateStatus;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyShareStatus extends ShareStatus {

  @JsonPropertyDescription("EC or RSA, read from the key itself (on an incoming share too: never the sender's word).")
  public String algorithm;

  @JsonPropertyDescription("The EC curve, for example P-256.")
  public String curve;

  @JsonPropertyDescription("Key size in bits.")
  public Integer keySize;

  @JsonPropertyDescription("SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo, computed here from the key.")
  public String fingerprint;

  @JsonPropertyDescription("The certificate the key came with, read from it on this side: subject, validity, basic"
      + " constraints, key usage. The condition CertificateValid says whether it is valid now.")
  public CertificateStatus certificate;

  @JsonPropertyDescription("Outgoing with spec.generate: the local Secret holding the generated private key.")
  public String generatedSecretName;

  @JsonPropertyDescription("Incoming, once accepted: the ConfigMap holding the PEM public material.")
  public String configMapName;
}
