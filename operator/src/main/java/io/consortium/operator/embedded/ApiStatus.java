package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;

/**
 * Failure answers worded as a real API server words them (reason, message, details), so that kubectl
 * prints {@code keyshares.consortium.io "x" already exists} rather than the mock server's
 * {@code The KeyShare "" is invalid}, and clients that read {@code details} find the object's name.
 */
final class ApiStatus {

  private ApiStatus() {}

  static MockResponse notFound(ApiPath path) {
    return failure(404, "NotFound", path.qualifiedResource() + " " + quote(path.name()) + " not found", path, path.name());
  }

  static MockResponse alreadyExists(ApiPath path, String name) {
    return failure(409, "AlreadyExists", path.qualifiedResource() + " " + quote(name) + " already exists", path, name);
  }

  static MockResponse conflict(ApiPath path, String name) {
    return failure(409, "Conflict", "Operation cannot be fulfilled on " + path.qualifiedResource() + " " + quote(name)
        + ": the object has been modified; please apply your changes to the latest version and try again", path, name);
  }

  static MockResponse badRequest(String message) {
    return failure(400, "BadRequest", message, null, null);
  }

  static MockResponse internalError(String message) {
    return failure(500, "InternalError", message, null, null);
  }

  static MockResponse requestEntityTooLarge(String message) {
    return failure(413, "RequestEntityTooLarge", message, null, null);
  }

  static MockResponse unsupportedMediaType(String message) {
    return failure(415, "UnsupportedMediaType", message, null, null);
  }

  static MockResponse methodNotSupported(String message) {
    return failure(405, "MethodNotAllowed", message, null, null);
  }

  /**
   * 422 as a real server answers a refused object: {@code Kind.group "name" is invalid: field: detail}, the
   * field errors also as causes, and the kind (not the resource) in details.
   */
  static MockResponse invalid(String kind, String group, String name, List<Admission.FieldError> causes) {
    String qualifiedKind = group == null || group.isEmpty() ? kind : kind + "." + group;
    List<String> errors = causes.stream().map(c -> c.field() + ": " + c.message()).toList();
    String message = qualifiedKind + " " + quote(name) + " is invalid: "
        + (errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    ObjectNode status = status(422, "Invalid", message);
    ObjectNode details = status.putObject("details");
    details.put("name", name);
    if (group != null && !group.isEmpty()) {
      details.put("group", group);
    }
    details.put("kind", kind);
    var array = details.putArray("causes");
    for (Admission.FieldError cause : causes) {
      array.addObject().put("reason", cause.reason()).put("message", cause.message()).put("field", cause.field());
    }
    return response(422, status);
  }

  private static MockResponse failure(int code, String reason, String message, ApiPath path, String name) {
    ObjectNode status = status(code, reason, message);
    if (path != null) {
      ObjectNode details = status.putObject("details");
      if (name != null) {
        details.put("name", name);
      }
      if (!path.group().isEmpty()) {
        details.put("group", path.group());
      }
      details.put("kind", path.plural());
    }
    return response(code, status);
  }

  private static ObjectNode status(int code, String reason, String message) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return status;
  }

  private static MockResponse response(int code, ObjectNode status) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(status.toString());
  }

  /** Go's %q, which the real messages use: quotes and escapes, non-ASCII kept as is. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : (value == null ? "" : value).toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
