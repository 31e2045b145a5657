package io.consortium.operator.mesh.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.time.Clock;
import java.util.UUID;

/**
 * Message bodies in and out of envelopes. A body is one of the records of {@code messages} (see
 * {@link MessageType#bodyType()}); fields a newer peer adds are ignored, a required field that is
 * missing makes the frame MalformedFrame, naming the field.
 */
public final class Messages {

  private Messages() {}

  /** The body of an opened envelope, as the record its type names. */
  public static <T extends Record> T body(Envelope envelope, Class<T> bodyType) throws ProtocolException {
    if (envelope.type().bodyType() != bodyType) {
      throw new IllegalArgumentException("a " + envelope.type() + " body is a "
          + envelope.type().bodyType().getSimpleName() + ", not a " + bodyType.getSimpleName());
    }
    return read(envelope.type(), envelope.body(), bodyType);
  }

  /** The body of an opened envelope as the record its type names, whatever that is. */
  public static Record body(Envelope envelope) throws ProtocolException {
    return read(envelope.type(), envelope.body(), envelope.type().bodyType());
  }

  /** A new envelope (version {@link EnvelopeCodec#VERSION}, a random ID) sent now by {@code clock}. */
  public static Envelope envelope(MessageType type, String from, String to, long epoch, long seq, Record body,
      Clock clock) {
    if (type.bodyType() != body.getClass()) {
      throw new IllegalArgumentException("a " + type + " message carries a " + type.bodyType().getSimpleName()
          + ", not a " + body.getClass().getSimpleName());
    }
    JsonNode json = ProtocolJson.MAPPER.valueToTree(body);
    return new Envelope(EnvelopeCodec.VERSION, type, UUID.randomUUID().toString(), from, to, epoch, seq,
        clock.instant(), json);
  }

  public static Envelope envelope(MessageType type, String from, String to, long epoch, long seq, Record body) {
    return envelope(type, from, to, epoch, seq, body, Clock.systemUTC());
  }

  /** As above, with the position taken from a {@link SendSequence}. */
  public static Envelope envelope(Record body, String from, String to, SequenceNumber position, Clock clock) {
    return envelope(MessageType.of(body), from, to, position.epoch(), position.seq(), body, clock);
  }

  private static <T> T read(MessageType type, JsonNode json, Class<T> bodyType) throws ProtocolException {
    try {
      return ProtocolJson.MAPPER.readerFor(bodyType).readValue(json);
    } catch (ValueInstantiationException e) {
      // The record's own check: its message names the field.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw malformed(type, cause.getMessage());
    } catch (InvalidFormatException e) {
      throw malformed(type, "field " + path(e) + " has the value " + e.getValue()
          + ", which is not a " + e.getTargetType().getSimpleName());
    } catch (MismatchedInputException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Cannot map `null`")) {
        // A missing number or flag: Jackson says null cannot go into a primitive.
        throw malformed(type, "field " + path(e) + " is missing");
      }
      throw malformed(type, "field " + path(e) + " is not of the expected kind (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw malformed(type, e.getMessage());
    }
  }

  private static String path(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    e.getPath().forEach(ref -> path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]"));
    return path.length() == 0 ? "(body)" : "'" + path.substring(path.charAt(0) == '.' ? 1 : 0) + "'";
  }

  private static ProtocolException malformed(MessageType type, String why) {
    return new ProtocolException(ProtocolError.MalformedFrame, "the " + type + " body is not valid: " + why);
  }
}
