package io.consortium.operator.mesh.protocol.messages;

import java.util.Base64;

/**
 * What a decision carries back besides its outcome, for example an approving organization's
 * Fabric ConfigSignature: every kind uses the same path, most carry none.
 *
 * @param type what the data is, for example FabricConfigSignature
 * @param data the attachment, standard base64
 * @param signer who made it, for example the signer's MSP ID and certificate subject
 */
public record DecisionAttachment(String type, String data, String signer) {

  public DecisionAttachment {
    Required.text(type, "a decision result", "type");
    Required.present(data, "decision result " + type, "data");
    try {
      Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("decision result " + type + "'s data is not base64: " + e.getMessage());
    }
  }

  public byte[] bytes() {
    return Base64.getDecoder().decode(data);
  }
}
