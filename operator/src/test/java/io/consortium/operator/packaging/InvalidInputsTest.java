package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.testing.InvalidInputs;
import io.consortium.operator.validation.CrdRules;
import io.consortium.operator.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input of {@link InvalidInputs} is refused twice, as issue 15 asks: by the generated CRD as a
 * real API server applies it (checked here with the independent JSON schema conversion of the packaging
 * tests and the CEL rules), and by the operator's own validation, which names the field and what is
 * allowed. And the operator's validation refuses nothing the sample consortium does.
 */
class InvalidInputsTest {

  static Stream<InvalidInputs.Case> cases() {
    return InvalidInputs.all().stream();
  }

  static Stream<Samples.Sample> samples() {
    return Samples.all().stream();
  }

  @ParameterizedTest(name = "the CRD refuses {0}")
  @MethodSource("cases")
  void theCrdRefusesEveryBadInput(InvalidInputs.Case bad) {
    CrdSchema crd = CrdSchema.forKind(bad.kind());
    JsonNode resource = ProjectFiles.yamlTree(bad.yaml());
    List<String> refusals = new ArrayList<>();
    crd.validate(resource).forEach(m -> refusals.add(m.getMessage()));
    refusals.addAll(CelRules.violations(crd, resource, null));
    assertThat(refusals).as("what a real API server says about %s", bad).isNotEmpty();
  }

  @ParameterizedTest(name = "the operator names {0}")
  @MethodSource("cases")
  void theOperatorsValidationNamesTheFieldAndWhatIsAllowed(InvalidInputs.Case bad) {
    List<Violation> violations = CrdRules.of(ProjectFiles.kindClass(bad.kind())).check(ProjectFiles.yamlTree(bad.yaml()),
        null);
    assertThat(violations).as("%s", bad)
        .anySatisfy(v -> {
          assertThat(v.path()).isEqualTo(bad.path());
          assertThat(v.message()).contains(bad.says());
        });
  }

  @ParameterizedTest(name = "the operator says exactly what is wrong with {0}")
  @MethodSource("cases")
  void theOperatorsValidationSaysOneThingPerBadField(InvalidInputs.Case bad) {
    // One bad field, one message: a value of the wrong shape is not also reported by every rule it breaks.
    assertThat(CrdRules.of(ProjectFiles.kindClass(bad.kind())).check(ProjectFiles.yamlTree(bad.yaml()), null))
        .as("%s", bad).hasSize(1);
  }

  @ParameterizedTest(name = "the operator accepts the sample {0}")
  @MethodSource("samples")
  void theOperatorsValidationAcceptsEverySample(Samples.Sample sample) {
    assertThat(CrdRules.of(ProjectFiles.kindClass(sample.kind())).check(sample.resource(), null)).isEmpty();
  }
}
