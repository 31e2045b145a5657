package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The other instance of a pairing, as pinned. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PeerIdentity {

  @JsonPropertyDescription("The peer's instance ID: hex SHA-256 of its DER SubjectPublicKeyInfo.")
  public String instanceId;

  @JsonPropertyDescription("The name the peer gives itself (its --instance-name).")
  public String name;

  @JsonPropertyDescription("The peer's wss:// URL, if it is the inviter.")
  public String url;

  @JsonPropertyDescription("The pinned key: sha256/<hex of the SubjectPublicKeyInfo hash>; equal to the instance ID by construction.")
  public String pin;

  @JsonPropertyDescription("SHA-256 thumbprint (base64url) of the peer's current certificate.")
  public String certificateThumbprint;

  @JsonPropertyDescription("When the peer's current certificate expires (RFC 3339).")
  public String certificateNotAfter;

  @JsonPropertyDescription("When the peer renews its certificate next (RFC 3339), as it told this instance.")
  public String certificateRenewsAt;

  @JsonPropertyDescription("The peer's key before its last key rollover; still accepted until previousPinRetiresAt or until the peer presents its new key.")
  public String previousInstanceId;

  @JsonPropertyDescription("When the previous pin stops being accepted (RFC 3339).")
  public String previousPinRetiresAt;

  @JsonPropertyDescription("When the peer rolled its key to the one pinned now (RFC 3339).")
  public String keyRolledAt;
}
