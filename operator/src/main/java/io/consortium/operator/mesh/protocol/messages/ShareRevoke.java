package io.consortium.operator.mesh.protocol.messages;

/** SHARE_REVOKE: the origin revoked (or deleted) a share; every revision of it is revoked. */
public record ShareRevoke(String shareUid) {

  public ShareRevoke {
    Required.text(shareUid, "SHARE_REVOKE", "shareUid");
  }
}
