package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.DecisionResult;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import java.util.ArrayList;
import java.util.List;

/** What every share kind's status has, on both sides. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class ShareStatus extends ConsortiumStatus {

  @JsonPropertyDescription("Outgoing (sent from here) or Incoming (received from a peer).")
  public Direction direction;

  @JsonPropertyDescription("Incoming: Pending, Accepted, Rejected, Expired or Revoked. Outgoing shares have one phase per recipient.")
  public SharePhase phase;

  @JsonPropertyDescription("One line for people: the phase, or for outgoing shares a count such as '2/3 Accepted'.")
  public String summary;

  @JsonPropertyDescription("Outgoing: the recipients' pairings; incoming: the pairing it came from.")
  public String peers;

  @JsonPropertyDescription("Revision of the payload: outgoing, the generation at which what is offered last changed; incoming, the one received.")
  public Long revision;

  @JsonPropertyDescription("Outgoing: SHA-256 (hex) of what is offered (payload and expiry); when it changes, the share"
      + " gets a new revision. Editing only spec.to or spec.revoked does not make one.")
  public String payloadSha256;

  @JsonPropertyDescription("Outgoing: one entry per recipient with its phase.")
  public List<RecipientStatus> recipients = new ArrayList<>();

  @JsonPropertyDescription("Incoming: who decided (a user, or the pairing's accept policy).")
  public String decidedBy;

  @JsonPropertyDescription("Incoming: when the decision was taken (RFC 3339).")
  public String decidedAt;

  @JsonPropertyDescription("Incoming: what the decision carried back to the origin, for example this organization's signature.")
  public DecisionResult decisionResult;

  @JsonPropertyDescription("Incoming, once Revoked: why. RevokedByOrigin is final; PairingRevoked, PairingDeleted and"
      + " PeerRevokedPairing mean the pairing it came over ended, and the share comes back as Pending (to be decided"
      + " again) if the same organization offers it over a new pairing.")
  public String revocationReason;
}
