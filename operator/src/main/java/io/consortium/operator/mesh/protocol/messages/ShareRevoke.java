package io.consortium.operator.mesh.protocol.messages;

/** SHARE_REVOKE: the origin revoked (or deleted) a share; every revision of it is revoked. */
public record ShareRevoke(String kind, String shareUid) {

  public ShareRevoke {
    Required.identifier(kind, "SHARE_REVOKE", "kind");
    Required.identifier(shareUid, "SHARE_REVOKE", "shareUid");
  }
}
