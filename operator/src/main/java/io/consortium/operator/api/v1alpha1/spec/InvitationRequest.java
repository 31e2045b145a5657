package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.consortium.operator.api.GoDuration;
import io.consortium.operator.api.ResourceNames;

/** What the inviter asks for: the invitation's lifetime, flow and number of uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InvitationRequest {

  @Default("24h")
  @Size(max = 32)
  @Pattern(GoDuration.PATTERN)
  @ValidationRule(
      value = "duration(self) >= duration('1s') && duration(self) <= duration('8760h')",
      message = "spec.invite.expiresIn must be between 1s and 8760h (one year)")
  @JsonPropertyDescription("How long the invitation can be redeemed, as a Go-style duration (90m, 24h, 168h):"
      + " 1s to 8760h. Default 24h.")
  public String expiresIn;

  @Default("Bidirectional")
  @JsonPropertyDescription("Which way shares may travel: Bidirectional (default), InviterToInvitee or InviteeToInviter.")
  public Flow flow;

  @Default("1")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("How many times the invitation can be redeemed. Default 1.")
  public Integer maxRedemptions;

  @Size(max = ResourceNames.SUBDOMAIN_MAX)
  @Pattern(ResourceNames.SUBDOMAIN_PATTERN)
  @JsonPropertyDescription("Secret to write the invitation into. Default: <pairing>-invitation.")
  public String secretName;

  @Size(max = 2048)
  @Pattern("^wss://[^\\s/]+(:[0-9]{1,5})?(/\\S*)?$")
  @JsonPropertyDescription("wss:// URL at which the invitee reaches this instance. Default: the operator's --external-url.")
  public String externalUrl;
}
