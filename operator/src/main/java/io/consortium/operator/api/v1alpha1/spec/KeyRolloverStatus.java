package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** This instance's key rollover, as told to the peer of one pairing. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyRolloverStatus {

  @JsonPropertyDescription("The instance ID (key) this instance rolls to.")
  public String toInstanceId;

  @JsonPropertyDescription("When the rollover was announced to this peer (RFC 3339).")
  public String announcedAt;

  @JsonPropertyDescription("When this peer acknowledged that it pins the new key (RFC 3339); empty until it does.")
  public String acknowledgedAt;

  @JsonPropertyDescription("When the old key is retired at the latest, acknowledged or not (RFC 3339; --key-rollover-grace).")
  public String oldKeyRetiresBy;
}
