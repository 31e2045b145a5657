package io.consortium.operator.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Times as Kubernetes writes them (RFC 3339: {@code 2026-12-31T23:59:59Z}, or with an offset such as
 * {@code +01:00}, optionally with fractions of a second). The one parser for the API's date fields.
 */
public final class Rfc3339 {

  /** The CRD pattern for such a time (the API server checks it; the operator too). */
  public static final String PATTERN =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";

  private Rfc3339() {}

  /** The instant a time names; IllegalArgumentException naming the expected form when it names none. */
  public static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a time is empty: use RFC 3339, for example 2026-12-31T23:59:59Z");
    }
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not an RFC 3339 time such as 2026-12-31T23:59:59Z");
    }
  }

  /** At second precision in UTC, as Kubernetes writes times. */
  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
