package io.consortium.operator.mesh.protocol.messages;

/**
 * REDEEM: the invitee redeems an invitation. It proves possession of the key in its certificate by
 * the envelope signature, which the inviter checks against that certificate's key; the inviter then
 * pins that key.
 *
 * @param invitationId the invitation's {@code jti}
 * @param invitation the compact invitation JWS itself, as the inviter issued it
 * @param inviteeName the name the invitee gives itself
 * @param certificatePem the invitee's instance certificate, PEM
 */
public record Redeem(String invitationId, String invitation, String inviteeName, String certificatePem) {

  public Redeem {
    Required.text(invitationId, "REDEEM", "invitationId");
    Required.text(invitation, "REDEEM", "invitation");
    Required.text(inviteeName, "REDEEM", "inviteeName");
    Required.text(certificatePem, "REDEEM", "certificatePem");
  }
}
