package io.consortium.operator.mesh.protocol.messages;

/**
 * One node advertised on the pairing, as the inventory states it: who advertised it, its uid and
 * the SHA-256 (hex) of its metadata, so that a changed endpoint or certificate shows as a difference.
 */
public record AdvertisedNode(String origin, String uid, String sha256) {

  public AdvertisedNode {
    Required.text(origin, "an advertised node entry", "origin");
    Required.text(uid, "an advertised node entry", "uid");
    Required.sha256Hex(sha256, "advertised node " + uid, "sha256");
  }
}
