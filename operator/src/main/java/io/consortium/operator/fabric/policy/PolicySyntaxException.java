package io.consortium.operator.fabric.policy;

/** A signature policy text Fabric's policy language does not accept; the message says why and where. */
public final class PolicySyntaxException extends IllegalArgumentException {
  public PolicySyntaxException(String message) {
    super(message);
  }
}
