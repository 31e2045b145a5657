package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The invitation to redeem. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InvitationAcceptance {

  @Required
  @JsonPropertyDescription("Secret holding the invitation (the compact JWS the inviter's operator wrote). Default key: invitation.")
  public SecretKeyRef invitationSecretRef;
}
