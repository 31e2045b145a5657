package io.consortium.operator.mesh.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.consortium.operator.pki.Sha256;

/**
 * The one JSON configuration of the link, so that what one side writes the other reads back
 * exactly: instants as ISO-8601 text (nanoseconds kept), decimals read as
 * BigDecimal (see {@link Envelope} for why numbers compare equal after a round trip), duplicate keys refused (a
 * signed object must mean one thing), unknown fields ignored (an older peer reads a newer one).
 */
public final class ProtocolJson {

  public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          // A payload's bytes travel as one base64 string, bounded by --max-share-size before it is read,
          // not by Jackson's default of 20 million characters (a package of about 15 MiB).
          .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build())
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private ProtocolJson() {}

  /** Lowercase hex SHA-256 of a value's JSON as {@link #MAPPER} writes it (fields in declared order). */
  public static String sha256(Object value) {
    try {
      return Sha256.hex(MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot digest " + value.getClass().getSimpleName(), e);
    }
  }
}
