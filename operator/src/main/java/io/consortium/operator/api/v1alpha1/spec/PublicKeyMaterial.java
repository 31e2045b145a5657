package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Public key material as received: PEM only, never a private key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PublicKeyMaterial {

  @JsonPropertyDescription("PEM certificate (or chain), if the origin shared one.")
  public String certificate;

  @JsonPropertyDescription("PEM SubjectPublicKeyInfo.")
  public String publicKey;

  @JsonPropertyDescription("EC or RSA.")
  public String algorithm;

  @JsonPropertyDescription("The EC curve, for example P-256.")
  public String curve;

  @JsonPropertyDescription("Key size in bits.")
  public Integer keySize;

  @JsonPropertyDescription("SHA-256 (hex) of the DER SubjectPublicKeyInfo.")
  public String fingerprint;
}
