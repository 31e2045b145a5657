package io.consortium.operator.mesh.protocol.messages;

/** PAIRING_REVOKED: the sender ended the pairing; the link closes after it. */
public record PairingRevoked(String reason) {

  public PairingRevoked {
    Required.text(reason, "PAIRING_REVOKED", "reason");
  }
}
