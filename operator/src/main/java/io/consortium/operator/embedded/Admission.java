package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A check every write must pass before the embedded API server stores it, as a real API server
 * validates before it writes to etcd. A refused write is answered 422 with the field errors, and
 * nothing is stored.
 */
public interface Admission {

  /** One field error, worded as Kubernetes words it: {@code metadata.name: Invalid value: "X": ...}. */
  record FieldError(String field, String reason, String message) {

    public static FieldError invalid(String field, String value, String detail) {
      return new FieldError(field, "FieldValueInvalid", "Invalid value: " + ApiStatus.quote(value) + ": " + detail);
    }

    public static FieldError required(String field, String detail) {
      return new FieldError(field, "FieldValueRequired", "Required value" + (detail.isEmpty() ? "" : ": " + detail));
    }

    public static FieldError forbidden(String field, String detail) {
      return new FieldError(field, "FieldValueForbidden", "Forbidden: " + detail);
    }

    public static FieldError tooLong(String field, long limit) {
      return new FieldError(field, "FieldValueTooLong", "Too long: may not be more than " + limit + " bytes");
    }
  }

  /**
   * The errors that refuse {@code updated} (none to admit it).
   *
   * @param resource the resource written: group, version, plural, namespace
   * @param old the stored object, or null when {@code updated} is created
   * @param updated the object as it would be stored
   */
  List<FieldError> check(ApiPath resource, JsonNode old, JsonNode updated);
}
