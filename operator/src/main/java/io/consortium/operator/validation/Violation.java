package io.consortium.operator.validation;

/**
 * One thing wrong with a resource, as an API server words it: the field path ({@code spec.invite.flow})
 * and what is wrong with it, saying what is allowed.
 */
public record Violation(String path, String message) {

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
