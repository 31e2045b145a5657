package io.consortium.operator.mesh.protocol.messages;

import java.util.List;

/**
 * HELLO: the first message each side sends on a new session. The epoch is the sender's new,
 * persisted session epoch; the receiver's replay window starts over from it.
 *
 * @param instanceName the name the sender gives itself
 * @param instanceId the sender's instance ID (must equal the envelope's {@code from})
 * @param certificateThumbprint {@code x5t#S256} of the sender's current certificate
 * @param protocolVersions every envelope version {@code v} the sender speaks
 */
public record Hello(String instanceName, String instanceId, String certificateThumbprint, Long epoch,
    List<Integer> protocolVersions) {

  public Hello {
    Required.text(instanceName, "HELLO", "instanceName");
    Required.text(instanceId, "HELLO", "instanceId");
    Required.text(certificateThumbprint, "HELLO", "certificateThumbprint");
    Required.present(epoch, "HELLO", "epoch");
    protocolVersions = Required.list(protocolVersions, "HELLO", "protocolVersions");
    if (protocolVersions.isEmpty()) {
      throw new IllegalArgumentException("HELLO names no protocol version");
    }
  }
}
