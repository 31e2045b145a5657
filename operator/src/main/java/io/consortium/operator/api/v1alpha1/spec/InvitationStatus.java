package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** An invitation's state, so that "expired or used up?" is answered by kubectl get. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InvitationStatus {

  @JsonPropertyDescription("Inviter: the Secret holding the invitation to hand to the invitee.")
  public String secretName;

  @JsonPropertyDescription("The invitation's unique ID (jti).")
  public String id;

  @JsonPropertyDescription("When the invitation stops being redeemable (RFC 3339).")
  public String expiresAt;

  @JsonPropertyDescription("Redemptions that established a link.")
  public Integer redemptions;

  @JsonPropertyDescription("Redemptions allowed.")
  public Integer maxRedemptions;

  @JsonPropertyDescription("The newest refused redemption: why, and the remote address it came from.")
  public String lastRefused;

  @JsonPropertyDescription("Redemptions refused, newest last (at most 20): when, from where and why.")
  public List<RefusedRedemption> refused = new ArrayList<>();
}
