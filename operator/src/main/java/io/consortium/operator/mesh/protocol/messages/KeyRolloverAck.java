package io.consortium.operator.mesh.protocol.messages;

/** KEY_ROLLOVER_ACK: the receiver of a KEY_ROLLOVER pinned {@code newInstanceId}. */
public record KeyRolloverAck(String newInstanceId) {

  public KeyRolloverAck {
    Required.sha256Hex(newInstanceId, "KEY_ROLLOVER_ACK", "newInstanceId");
  }
}
