package io.consortium.operator.mesh.protocol.messages;

import java.time.Instant;

/**
 * KEY_ROLLOVER: the sender rolls its instance key. The envelope is signed by the old (pinned) key;
 * {@code newKeyProof} is a JWS by the new key over (old ID, new ID, certificate thumbprint, time).
 * The receiver moves its pin only when both verify, keeps the old one as a still-accepted previous
 * pin until {@code oldKeyRetiresBy}, and answers KEY_ROLLOVER_ACK.
 *
 * @param certificate PEM of the new key's certificate
 */
public record KeyRollover(String oldInstanceId, String newInstanceId, String certificate, Instant rolledAt,
    Instant oldKeyRetiresBy, String newKeyProof) {

  public KeyRollover {
    Required.sha256Hex(oldInstanceId, "KEY_ROLLOVER", "oldInstanceId");
    Required.sha256Hex(newInstanceId, "KEY_ROLLOVER", "newInstanceId");
    Required.text(certificate, "KEY_ROLLOVER", "certificate");
    Required.present(rolledAt, "KEY_ROLLOVER", "rolledAt");
    Required.present(oldKeyRetiresBy, "KEY_ROLLOVER", "oldKeyRetiresBy");
    Required.text(newKeyProof, "KEY_ROLLOVER", "newKeyProof");
  }
}
