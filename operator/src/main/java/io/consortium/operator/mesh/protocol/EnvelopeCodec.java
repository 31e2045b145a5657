package io.consortium.operator.mesh.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.api.ByteSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * Signs envelopes as compact JWS (ES256, {@code typ} {@value #TYPE_NAME}, the envelope JSON as the
 * payload) and opens them against the sender's pinned key.
 *
 * <p>{@link #open} checks in a fixed order, so that the reason a person reads is the first thing
 * wrong: it parses, alg and typ, the signature by the pinned key, {@code from} is that key's
 * instance ID, {@code to} is this instance, the version is spoken, the type is known. Only then
 * are the remaining fields read. A frame over the frame limit is refused before any of this.
 *
 * <p>The payload is written with the fields in one order and the body as given; the signature
 * covers the bytes as sent, so a receiver never needs to re-serialize to check it.
 */
public final class EnvelopeCodec {

  public static final String TYPE_NAME = "consortium-envelope+jws";
  /** The JOSE {@code typ}: no invitation or other JWS of ours can pass for an envelope. */
  public static final JOSEObjectType TYPE = new JOSEObjectType(TYPE_NAME);
  /** The envelope version this code writes. */
  public static final int VERSION = 1;
  /** The envelope versions this code reads. */
  public static final Set<Integer> SUPPORTED_VERSIONS = Set.of(1);

  private EnvelopeCodec() {}

  /** Signs an envelope with the sender's instance key; the envelope must be from that instance. */
  public static String sign(Envelope envelope, InstanceIdentity sender) {
    if (!sender.instanceId().equals(envelope.from())) {
      throw new IllegalArgumentException("the envelope is from " + envelope.from()
          + " but would be signed by instance " + sender.instanceId());
    }
    try {
      JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).build(),
          new Payload(payloadBytes(envelope)));
      jws.sign(new ECDSASigner((ECPrivateKey) sender.keyPair().getPrivate()));
      return jws.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an envelope with the instance key", e);
    }
  }

  /** The size a compact frame has on the wire: it is ASCII, so one byte a character. */
  public static long sizeOf(String compact) {
    return compact.length();
  }

  /** Refuses a frame over the frame limit; call it with the frame's byte count before decoding it. */
  public static void checkFrameSize(long frameBytes, long frameLimit) throws ProtocolException {
    if (frameBytes > frameLimit) {
      throw new ProtocolException(ProtocolError.FrameTooLarge, "a frame of " + frameBytes
          + " bytes is over the frame limit of " + frameLimit + " bytes (" + ByteSize.format(frameLimit)
          + ", --frame-limit): larger payloads must travel as chunked transfers");
    }
  }

  /** {@link #open(String, PublicKey, String)} after refusing a frame over {@code frameLimit}. */
  public static SignedEnvelope open(String compact, PublicKey senderKey, String localInstanceId, long frameLimit)
      throws ProtocolException {
    checkFrameSize(sizeOf(compact), frameLimit);
    return open(compact, senderKey, localInstanceId);
  }

  /**
   * Opens a frame received on a link whose peer is pinned to {@code senderKey}.
   *
   * @throws ProtocolException MalformedFrame, BadSignature, WrongSender, WrongRecipient,
   *     UnsupportedVersion or UnknownMessageType, in that order of checking
   */
  public static SignedEnvelope open(String compact, PublicKey senderKey, String localInstanceId)
      throws ProtocolException {
    if (!(senderKey instanceof ECPublicKey ecKey)) {
      throw new IllegalArgumentException("a pinned sender key must be an EC key, got " + senderKey.getAlgorithm());
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(compact);
    } catch (ParseException e) {
      throw malformed("it is not a compact JWS (" + e.getMessage() + ")");
    }
    ObjectNode json;
    try {
      JsonNode tree = ProtocolJson.MAPPER.readTree(jws.getPayload().toBytes());
      if (tree == null || !tree.isObject()) {
        throw malformed("its payload is not a JSON object");
      }
      json = (ObjectNode) tree;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw malformed("its payload is not JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw malformed("its payload is not JSON (" + e.getMessage() + ")");
    }
    JWSHeader header = jws.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw malformed("its algorithm is " + header.getAlgorithm() + "; envelopes are signed with ES256 only");
    }
    if (!TYPE.equals(header.getType())) {
      throw malformed("its typ is " + header.getType() + ", not " + TYPE_NAME + ": it is not an envelope");
    }
    boolean verified;
    try {
      verified = jws.verify(new ECDSAVerifier(ecKey));
    } catch (JOSEException e) {
      throw new ProtocolException(ProtocolError.BadSignature,
          "the frame's signature cannot be checked with the pinned key (" + e.getMessage() + ")", e);
    }
    if (!verified) {
      throw new ProtocolException(ProtocolError.BadSignature, "the frame's signature does not verify with the"
          + " peer's pinned key " + InstanceIdentity.instanceIdOf(senderKey)
          + ": it was changed in transit or signed by another key");
    }
    String pinned = InstanceIdentity.instanceIdOf(senderKey);
    String from = text(json, "from");
    if (!pinned.equals(from)) {
      throw new ProtocolException(ProtocolError.WrongSender, "a frame claiming another sender: it says it is from "
          + from + " but the link's peer, whose key signed it, is " + pinned);
    }
    String to = text(json, "to");
    if (!to.equals(localInstanceId)) {
      throw new ProtocolException(ProtocolError.WrongRecipient, "the frame is addressed to " + to
          + ", not to this instance (" + localInstanceId + ")");
    }
    long v = number(json, "v");
    if (!SUPPORTED_VERSIONS.contains((int) v) || v != (int) v) {
      throw new ProtocolException(ProtocolError.UnsupportedVersion, "the frame speaks protocol version " + v
          + "; this instance speaks " + SUPPORTED_VERSIONS + ": upgrade the older operator");
    }
    String typeName = text(json, "type");
    MessageType type = MessageType.named(typeName).orElseThrow(() -> new ProtocolException(
        ProtocolError.UnknownMessageType, "the frame's message type " + typeName
            + " is unknown to this instance (version " + VERSION + "): upgrade it to talk with this peer"));
    Envelope envelope;
    try {
      envelope = new Envelope((int) v, type, text(json, "id"), from, to, number(json, "epoch"), number(json, "seq"),
          Instant.parse(text(json, "sentAt")), body(json));
    } catch (DateTimeParseException e) {
      throw malformed("its sentAt is not an ISO-8601 instant (" + e.getParsedString() + ")");
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
    return new SignedEnvelope(envelope, compact, sha256Hex(compact), jws.getSignature().toString());
  }

  /**
   * The message type a frame claims, read without checking anything: only to name what a refused
   * frame pretended to be (a forged KEY_ROLLOVER is refused as InvalidRollover, not as any bad frame).
   */
  public static Optional<MessageType> claimedType(String compact) {
    try {
      JsonNode type = ProtocolJson.MAPPER.readTree(JWSObject.parse(compact).getPayload().toBytes()).get("type");
      return type == null ? Optional.empty() : MessageType.named(type.asText());
    } catch (ParseException | IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The payload bytes: the envelope's fields in their declared order. */
  static byte[] payloadBytes(Envelope envelope) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("v", envelope.v());
    json.put("type", envelope.type().name());
    json.put("id", envelope.id());
    json.put("from", envelope.from());
    json.put("to", envelope.to());
    json.put("epoch", envelope.epoch());
    json.put("seq", envelope.seq());
    json.put("sentAt", envelope.sentAt().toString());
    json.set("body", envelope.body());
    try {
      return ProtocolJson.MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an envelope as JSON", e);
    }
  }

  static String sha256Hex(String compact) {
    return Sha256.hex(compact.getBytes(StandardCharsets.US_ASCII));
  }

  private static String text(ObjectNode json, String field) throws ProtocolException {
    JsonNode node = json.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw malformed("its '" + field + "' is missing or not a string");
    }
    return node.asText();
  }

  private static long number(ObjectNode json, String field) throws ProtocolException {
    JsonNode node = json.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw malformed("its '" + field + "' is missing or not a whole number");
    }
    return node.longValue();
  }

  private static JsonNode body(ObjectNode json) throws ProtocolException {
    JsonNode node = json.get("body");
    if (node == null || !node.isObject()) {
      throw malformed("its 'body' is missing or not a JSON object");
    }
    return node;
  }

  private static ProtocolException malformed(String why) {
    return new ProtocolException(ProtocolError.MalformedFrame, "a malformed frame was refused: " + why);
  }
}
