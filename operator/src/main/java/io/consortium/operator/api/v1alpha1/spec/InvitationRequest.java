package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** What the inviter asks for: the invitation's lifetime, flow and number of uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InvitationRequest {

  @Default("24h")
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  @JsonPropertyDescription("How long the invitation can be redeemed, as a Go-style duration (90m, 24h, 168h). Default 24h.")
  public String expiresIn;

  @Default("Bidirectional")
  @JsonPropertyDescription("Which way shares may travel: Bidirectional (default), InviterToInvitee or InviteeToInviter.")
  public Flow flow;

  @Default("1")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("How many times the invitation can be redeemed. Default 1.")
  public Integer maxRedemptions;

  @JsonPropertyDescription("Secret to write the invitation into. Default: <pairing>-invitation.")
  public String secretName;

  @Pattern("^wss://[^\\s/]+(:[0-9]{1,5})?(/.*)?$")
  @JsonPropertyDescription("wss:// URL at which the invitee reaches this instance. Default: the operator's --external-url.")
  public String externalUrl;
}
