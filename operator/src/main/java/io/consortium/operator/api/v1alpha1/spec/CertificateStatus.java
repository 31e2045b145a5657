package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What a certificate says of itself, read by this operator from the certificate (never taken from a peer's word). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CertificateStatus {

  @JsonPropertyDescription("Subject, most specific first, for example 'CN=ca.org1.example.com, O=org1'.")
  public String subject;

  @JsonPropertyDescription("Issuer, in the same form; equal to the subject for a self-signed certificate.")
  public String issuer;

  @JsonPropertyDescription("Start of validity (RFC 3339).")
  public String notBefore;

  @JsonPropertyDescription("End of validity (RFC 3339).")
  public String notAfter;

  @JsonPropertyDescription("Basic constraints as openssl shows them: CA:TRUE (with pathlen, if any) or CA:FALSE.")
  public String basicConstraints;

  @JsonPropertyDescription("The key usages the certificate allows, in X.509's names (digitalSignature, keyCertSign, cRLSign...).")
  public List<String> keyUsage;

  @JsonPropertyDescription("SHA-256 (hex) of the certificate's DER.")
  public String sha256;

  @JsonPropertyDescription("How many certificates the chain holds (the first is the key's).")
  public Integer chainLength;
}
