package io.consortium.operator.mesh.protocol.messages;

import java.util.UUID;

/**
 * TRANSFER_STATUS: the receiver of a chunked transfer says which chunk it needs next, after a
 * reconnect, so that the sender resumes there instead of from zero.
 */
public record TransferStatus(UUID transferId, Integer nextExpectedIndex) {

  public TransferStatus {
    Required.present(transferId, "TRANSFER_STATUS", "transferId");
    Required.present(nextExpectedIndex, "TRANSFER_STATUS " + transferId, "nextExpectedIndex");
    if (nextExpectedIndex < 0) {
      throw new IllegalArgumentException("TRANSFER_STATUS " + transferId + " has a negative nextExpectedIndex");
    }
  }
}
