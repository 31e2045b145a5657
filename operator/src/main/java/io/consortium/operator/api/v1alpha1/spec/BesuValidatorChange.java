package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A QBFT validator to add or remove, voted for by each org on its own validators. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BesuValidatorChange {

  /** The direction of a validator vote. */
  public enum Action {
    Add,
    Remove
  }

  @Required
  @JsonPropertyDescription("Add or Remove.")
  public Action action;

  @Required
  @Pattern("^0x[0-9a-fA-F]{40}$")
  @JsonPropertyDescription("The validator's address, 0x-prefixed.")
  public String address;
}
