package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.mesh.protocol.ProtocolError;
import io.consortium.operator.mesh.protocol.ProtocolException;
import java.util.Arrays;
import java.util.Optional;

/**
 * ERROR: the sender refused something the receiver sent. {@code error} is a {@link ProtocolError}
 * name, kept as text so that a newer peer's new reason still reads.
 */
public record ErrorMessage(String error, String message) {

  public ErrorMessage {
    Required.text(error, "ERROR", "error");
    Required.text(message, "ERROR " + error, "message");
  }

  public static ErrorMessage of(ProtocolException e) {
    return new ErrorMessage(e.error().name(), e.getMessage());
  }

  public Optional<ProtocolError> knownError() {
    return Arrays.stream(ProtocolError.values()).filter(v -> v.name().equals(error)).findFirst();
  }
}
