package io.consortium.operator.mesh.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * One message of the link, before signing and after opening: {@code {v, type, id, from, to,
 * epoch, seq, sentAt, body}}.
 *
 * <p>The body's numbers are normalized on construction (integers to long, or BigInteger beyond
 * it; decimals to BigDecimal without trailing zeros), the same form {@link ProtocolJson} reads
 * them in, so an envelope that went through sign and open equals the one that was signed.
 *
 * @param v protocol version, {@link EnvelopeCodec#VERSION}
 * @param id unique message ID (a UUID string)
 * @param from the sender's instance ID
 * @param to the recipient's instance ID
 * @param epoch the sender's session epoch, bumped and persisted at every new session
 * @param seq the sequence number within the epoch
 * @param body a JSON object: one of the records of {@code messages}, see {@link MessageType}
 */
public record Envelope(int v, MessageType type, String id, String from, String to, long epoch, long seq,
    Instant sentAt, JsonNode body) {

  public Envelope {
    if (v < 1) {
      throw new IllegalArgumentException("an envelope's version must be 1 or more, got " + v);
    }
    if (type == null) {
      throw new IllegalArgumentException("an envelope needs a type");
    }
    requireText(id, "id");
    requireText(from, "from");
    requireText(to, "to");
    if (epoch < 0 || seq < 0) {
      throw new IllegalArgumentException("an envelope's epoch and seq cannot be negative, got (" + epoch + ", " + seq + ")");
    }
    if (sentAt == null) {
      throw new IllegalArgumentException("an envelope needs sentAt");
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("an envelope's body must be a JSON object, got "
          + (body == null ? "none" : body.getNodeType()));
    }
    body = normalized(body);
  }

  public SequenceNumber sequence() {
    return new SequenceNumber(epoch, seq);
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("an envelope needs '" + field + "'");
    }
  }

  private static JsonNode normalized(JsonNode node) {
    return isNormal(node) ? node : normalize(node);
  }

  private static boolean isNormal(JsonNode node) {
    if (node.isNumber()) {
      return node.isLong() || node.isBigInteger() && !fitsLong(node.bigIntegerValue())
          || node.isBigDecimal() && node.decimalValue().equals(strip(node.decimalValue()));
    }
    for (JsonNode child : node) {
      if (!isNormal(child)) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode normalize(JsonNode node) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (node.isIntegralNumber()) {
      BigInteger value = node.bigIntegerValue();
      return fitsLong(value) ? nodes.numberNode(value.longValue()) : nodes.numberNode(value);
    }
    if (node.isNumber()) {
      if (node.isDouble() && !Double.isFinite(node.doubleValue()) || node.isFloat() && !Float.isFinite(node.floatValue())) {
        throw new IllegalArgumentException("an envelope's body cannot hold " + node.asText() + ": JSON has no such number");
      }
      // The text form, not the binary value: 0.1f must stay 0.1, as it is written on the wire.
      return nodes.numberNode(strip(new BigDecimal(node.asText())));
    }
    if (node.isObject()) {
      ObjectNode copy = nodes.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        copy.set(field.getKey(), normalize(field.getValue()));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = nodes.arrayNode();
      node.forEach(child -> copy.add(normalize(child)));
      return copy;
    }
    return node;
  }

  private static boolean fitsLong(BigInteger value) {
    return value.bitLength() < 64;
  }

  private static BigDecimal strip(BigDecimal value) {
    return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
  }
}
