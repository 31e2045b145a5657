package io.consortium.operator.mesh.protocol.messages;

/** SHARE_EXPIRE: the share's expiresAt passed on the origin; undecided recipients go Expired. */
public record ShareExpire(String kind, String shareUid) {

  public ShareExpire {
    Required.identifier(kind, "SHARE_EXPIRE", "kind");
    Required.identifier(shareUid, "SHARE_EXPIRE", "shareUid");
  }
}
