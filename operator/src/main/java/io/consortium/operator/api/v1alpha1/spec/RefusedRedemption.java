package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One refused attempt to redeem an invitation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RefusedRedemption {

  @JsonPropertyDescription("When (RFC 3339).")
  public String at;

  @JsonPropertyDescription("The remote address the attempt came from.")
  public String remoteAddress;

  @JsonPropertyDescription("Why, in one word: InvitationExpired, RedemptionsExhausted (used up), InvitationRevoked, BadSignature, DuplicatePairing, InvitationInvalid.")
  public String reason;

  @JsonPropertyDescription("Details.")
  public String message;
}
