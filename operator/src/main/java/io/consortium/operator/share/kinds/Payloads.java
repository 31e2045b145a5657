package io.consortium.operator.share.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.share.ShareKind.InvalidShareSource;

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

  /** For describing what was already accepted as valid. */
  static <P> P readValid(JsonNode payload, Class<P> type) {
    try {
      return ProtocolJson.MAPPER.treeToValue(payload, type);
    } catch (Exception e) {
      throw new IllegalStateException("a payload this instance wrote or accepted no longer reads: " + e.getMessage(), e);
    }
  }
}
