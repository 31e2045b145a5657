package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.ShareOrigin;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import io.fabric8.generator.annotation.Pattern;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.Rfc3339;

/**
 * What every share kind's spec has. One kind serves both directions: an outgoing share names its
 * recipients in {@code to}; an incoming one is written by the operator with {@code from}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.to) != has(self.from)",
    message = "set exactly one of spec.to (a share you send) and spec.from (a share received, written by the operator)",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.decision) || has(self.from)",
    message = "spec.decision is only for incoming shares (those with spec.from)",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.revoked) || !self.revoked || has(self.to)",
    message = "only the origin revokes a share: spec.revoked is for outgoing shares (those with spec.to)",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.to) || self.to.all(p, self.to.exists_one(q, q == p))",
    message = "spec.to names each PeerPairing once",
    reason = "FieldValueDuplicate")
@ValidationRule(
    value = "has(self.to) == has(oldSelf.to)",
    message = "a share cannot change direction: create a new resource instead")
@ValidationRule(
    value = "!has(oldSelf.from) || (has(self.from) && self.from.shareUid == oldSelf.from.shareUid"
        + " && self.from.revision >= oldSelf.from.revision)",
    message = "spec.from is written by the operator: only a new revision from the origin changes it")
public abstract class ShareSpec {

  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Outgoing: names of local PeerPairings to send this share to (1 to 100, each once).")
  public List<@Pattern(ResourceNames.LABEL_PATTERN) @Size(max = ResourceNames.LABEL_MAX) String> to;

  @JsonPropertyDescription("Incoming: where this share came from. Written by the operator.")
  public ShareOrigin from;

  @Pattern(Rfc3339.PATTERN)
  @JsonPropertyDescription("When the share expires on both sides (RFC 3339, for example 2026-12-31T23:59:59Z)."
      + " Undecided recipients then go Expired. A new share must expire in the future.")
  public String expiresAt;

  // @JsonProperty is needed: without it the @JsonIgnore on isRevoked() hides the whole "revoked"
  // property from Jackson, so the CRD had no spec.revoked (and a real API server refused the CRD,
  // whose CEL rule selects self.revoked).
  @JsonProperty("revoked")
  @JsonPropertyDescription("Outgoing: true revokes the share at every recipient; what they accepted is kept and marked Revoked.")
  public Boolean revoked;

  /** True for Accept/Approve, false for Reject, null while undecided. */
  @JsonIgnore
  public abstract Boolean decisionAccepts();

  @JsonIgnore
  public boolean isOutgoing() {
    return from == null;
  }

  /** Whether this outgoing share names the pairing in spec.to (false while spec.to is missing: InvalidSpec). */
  @JsonIgnore
  public boolean sendsTo(String pairing) {
    return to != null && to.contains(pairing);
  }

  @JsonIgnore
  public boolean isRevoked() {
    return Boolean.TRUE.equals(revoked);
  }
}
