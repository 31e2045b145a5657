package io.consortium.operator.share.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import java.util.Base64;

/** Reading a kind's payload record from what the link delivered. */
final class Payloads {

  private Payloads() {}

  static <P> P read(JsonNode payload, Class<P> type, String kind) throws InvalidShareSource {
    try {
      return ProtocolJson.MAPPER.treeToValue(payload, type);
    } catch (Exception e) {
      throw new InvalidShareSource("PayloadInvalid", "the " + kind + " payload cannot be read: " + e.getMessage());
    }
  }

  /** The reason every kind gives when what arrived contradicts what the sender says of it. */
  static final String PAYLOAD_MISMATCH = "PayloadMismatch";

  /**
   * The bytes (base64) as received, once they hash to what the sender claimed ({@code PayloadMismatch}
   * otherwise); null when none were sent.
   */
  static byte[] verified(String base64, String claimedSha256, String what) throws InvalidShareSource {
    if (base64 == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("PayloadInvalid", "the " + what + " is not base64");
    }
    String actual = Sha256.hex(bytes);
    if (!actual.equalsIgnoreCase(String.valueOf(claimedSha256))) {
      throw new InvalidShareSource(PAYLOAD_MISMATCH, "the " + what + " hashes to " + actual + ", not to the "
          + claimedSha256 + " the sender claimed");
    }
    return bytes;
  }

  /** Refuses ({@code PayloadMismatch}) a claim that what was read here contradicts. */
  static void same(Object claimed, Object derived, String what) throws InvalidShareSource {
    if (!java.util.Objects.equals(claimed, derived)) {
      throw new InvalidShareSource(PAYLOAD_MISMATCH, "the sender says the " + what + " is " + claimed + ", but what"
          + " arrived says " + derived);
    }
  }

  /** For describing what was already accepted as valid. */
  static <P> P readValid(JsonNode payload, Class<P> type) {
    try {
      return ProtocolJson.MAPPER.treeToValue(payload, type);
    } catch (Exception e) {
      throw new IllegalStateException("a payload this instance wrote or accepted no longer reads: " + e.getMessage(), e);
    }
  }
}
