package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** This instance's certificate, as its peers see it on the link. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalCertificate {

  @JsonPropertyDescription("SHA-256 thumbprint (base64url) of this instance's current certificate.")
  public String thumbprint;

  @JsonPropertyDescription("When this instance's current certificate expires (RFC 3339).")
  public String notAfter;

  @JsonPropertyDescription("When this instance renews its certificate next, over the same key (RFC 3339; --cert-renew-before).")
  public String renewsAt;
}
