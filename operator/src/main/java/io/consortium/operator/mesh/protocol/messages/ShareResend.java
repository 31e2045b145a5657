package io.consortium.operator.mesh.protocol.messages;

/**
 * SHARE_RESEND: the receiver asks the origin to send a revision it already acknowledged once more,
 * because its own copy of the payload no longer matches what it received (someone edited it). The
 * origin answers with the same SHARE_OFFER, changing nothing on its side.
 */
public record ShareResend(String kind, String shareUid, long revision) {

  public ShareResend {
    Required.identifier(kind, "SHARE_RESEND", "kind");
    Required.identifier(shareUid, "SHARE_RESEND", "shareUid");
    Required.revision(revision, "SHARE_RESEND " + shareUid);
  }
}
