package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Max;

/** How many approvals a proposal needs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.rule == 'NOutOf' ? has(self.n) : !has(self.n)",
    message = "spec.policy.n goes with rule NOutOf, and only with it")
public class ProposalPolicy {

  /** The counting rules of Fabric's ImplicitMeta policies, plus N of M. */
  public enum Rule {
    ANY,
    MAJORITY,
    ALL,
    NOutOf
  }

  @Default("MAJORITY")
  @JsonPropertyDescription("ANY, MAJORITY (n/2 + 1, the default), ALL, or NOutOf with n.")
  public Rule rule;

  @Min(1)
  @JsonPropertyDescription("With NOutOf: how many approvals are needed.")
  @Max(1000)
  public Integer n;
}
