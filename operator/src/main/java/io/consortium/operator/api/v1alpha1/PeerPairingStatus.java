package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.api.v1alpha1.spec.InvitationStatus;
import io.consortium.operator.api.v1alpha1.spec.KeyRolloverStatus;
import io.consortium.operator.api.v1alpha1.spec.LocalCertificate;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingRole;
import io.consortium.operator.api.v1alpha1.spec.PeerIdentity;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PeerPairingStatus extends ConsortiumStatus {

  @JsonPropertyDescription("Inviter or Invitee.")
  public PairingRole role;

  @JsonPropertyDescription("Invited, Connecting, Connected, Disconnected, Suspended, Revoked, PeerRevoked or Failed.")
  public PairingPhase phase;

  @JsonPropertyDescription("The flow agreed in the invitation.")
  public Flow flow;

  @JsonPropertyDescription("This instance's ID (hex SHA-256 of its public key).")
  public String localInstanceId;

  @JsonPropertyDescription("The invitation this pairing made (inviter) or redeemed (invitee).")
  public InvitationStatus invitation;

  @JsonPropertyDescription("The paired instance, once known.")
  public PeerIdentity peer;

  @JsonPropertyDescription("When the peer was last heard from (RFC 3339); written at most once a minute and on every connect/disconnect.")
  public String lastSeenAt;

  @JsonPropertyDescription("When the current link came up (RFC 3339).")
  public String connectedSince;

  @JsonPropertyDescription("The epoch of the peer's last session. A HELLO not newer is refused while a newer session of the peer is open, else the link re-synchronises on it (condition EpochsInOrder).")
  public Long peerEpoch;

  @JsonPropertyDescription("This instance's certificate: its expiry and next renewal (the peer's are under peer).")
  public LocalCertificate localCertificate;

  @JsonPropertyDescription("This instance's key rollover under way, as told to this peer; empty when none is.")
  public KeyRolloverStatus keyRollover;
}
