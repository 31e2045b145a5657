package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.AcceptPolicy;
import io.consortium.operator.api.v1alpha1.spec.InvitationAcceptance;
import io.consortium.operator.api.v1alpha1.spec.InvitationRequest;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.invite) != has(self.accept)",
    message = "a PeerPairing either invites (spec.invite) or redeems an invitation (spec.accept): set exactly one")
@ValidationRule(
    value = "has(self.invite) == has(oldSelf.invite)",
    message = "a PeerPairing cannot switch between inviting and accepting: create a new PeerPairing")
@ValidationRule(
    value = "!has(oldSelf.state) || oldSelf.state != 'Revoked' || self.state == 'Revoked'",
    message = "a revoked pairing stays revoked: pair again with a new invitation")
public class PeerPairingSpec {

  @Default("Active")
  @JsonPropertyDescription("Active (default), Suspended (link closed until Active again) or Revoked (closed for good, the peer is told).")
  public PairingState state;

  @JsonPropertyDescription("Invite another instance: the operator writes a signed invitation into a Secret named in status.")
  public InvitationRequest invite;

  @JsonPropertyDescription("Redeem an invitation another instance made: the operator verifies it, dials the inviter and redeems it.")
  public InvitationAcceptance accept;

  @JsonPropertyDescription("Per share kind, Manual (default) or Auto acceptance of shares received over this pairing.")
  public AcceptPolicy acceptPolicy;

  @Size(max = 1024)
  @JsonPropertyDescription("Free text for people: who the partner is, the contact, the ticket.")
  public String description;
}
