package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.to) || (has(self.source) != has(self.generate))",
    message = "an outgoing KeyShare needs exactly one of spec.source (an existing Secret) and spec.generate (a new key pair)")
@ValidationRule(
    value = "!has(self.material) || has(self.from)",
    message = "spec.material is written by the operator on incoming KeyShares; outgoing ones name spec.source or spec.generate")
public class KeyShareSpec extends ShareSpec {

  @JsonPropertyDescription("Outgoing: a Secret holding a certificate, a public key, a TLS pair or a private key (EC or RSA)."
      + " Only the public part is ever sent. Without a key, tried in order: tls.crt, ca.crt, cert.pem, certificate,"
      + " public.pem, publicKey, tls.key, key.pem, privateKey.")
  public SecretKeyRef source;

  @JsonPropertyDescription("Outgoing: make a new key pair here; the private key stays in a local Secret, the"
      + " certificate and public key are shared.")
  public KeyGeneration generate;

  @JsonPropertyDescription("What the key is for in the consortium, so that the receiver knows where it belongs.")
  public KeyUsage usage;

  @Size(max = 128)
  @Pattern("^[^\\s]+$")
  @JsonPropertyDescription("The Fabric MSP ID the key belongs to, if any.")
  public String mspId;

  @JsonPropertyDescription("Incoming: the public material received. Written by the operator.")
  public PublicKeyMaterial material;

  @JsonPropertyDescription("Incoming: Accept or Reject. Written by a person, by GitOps, or by the pairing's accept policy.")
  public Decision decision;

  @Override
  public Boolean decisionAccepts() {
    return decision == null ? null : decision == Decision.Accept;
  }
}
