package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.api.v1alpha1.spec.Flow;

/**
 * REDEEM_RESULT: the inviter's answer. An accepted redemption names the flow and the inviter; a
 * refused one names its reason.
 */
public record RedeemResult(Boolean accepted, RedemptionRefusal reason, String message, Flow flow, String inviterName) {

  public RedeemResult {
    Required.present(accepted, "REDEEM_RESULT", "accepted");
    if (accepted) {
      Required.present(flow, "an accepted REDEEM_RESULT", "flow");
      Required.text(inviterName, "an accepted REDEEM_RESULT", "inviterName");
      if (reason != null) {
        throw new IllegalArgumentException("an accepted REDEEM_RESULT cannot carry a refusal reason (" + reason + ")");
      }
    } else {
      Required.present(reason, "a refused REDEEM_RESULT", "reason");
    }
  }

  public static RedeemResult accepted(Flow flow, String inviterName) {
    return new RedeemResult(true, null, "paired with " + inviterName, flow, inviterName);
  }

  public static RedeemResult refused(RedemptionRefusal reason, String message) {
    return new RedeemResult(false, reason, message, null, null);
  }
}
