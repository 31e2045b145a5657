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

  /** Refuses bytes (base64) that do not hash to what the sender claimed; absent bytes need no digest. */
  static void check(String base64, String claimedSha256, String what) throws InvalidShareSource {
    if (base64 == null) {
      return;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("PayloadInvalid", "the " + what + " is not base64");
    }
    String actual = Sha256.hex(bytes);
    if (!actual.equals(claimedSha256)) {
      throw new InvalidShareSource("DigestMismatch", "the " + what + " hashes to " + actual + ", not to the "
          + claimedSha256 + " the sender claimed");
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
