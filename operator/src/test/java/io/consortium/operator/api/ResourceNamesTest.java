package io.consortium.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceNamesTest {

  @Test
  void a_valid_name_is_kept_as_it_is() {
    assertThat(ResourceNames.derived("org1-admin", "-key")).isEqualTo("org1-admin-key");
    assertThat(ResourceNames.derived("org2", "-invitation")).isEqualTo("org2-invitation");
    assertThat(ResourceNames.derived("org1", "-peer0.example")).isEqualTo("org1-peer0.example");
    assertThat(ResourceNames.labelValue("org2")).isEqualTo("org2");
    assertThat(ResourceNames.labelValue("Org_2.x")).isEqualTo("Org_2.x");
    assertThat(ResourceNames.serviceName("basic")).isEqualTo("basic");
  }

  @ParameterizedTest
  @ValueSource(strings = {"clé-ü", "Org_1", "-leading", "trailing-", "a..b", "..", "", "ÄÖÜ", "a.-b", "UPPER.case", "日本"})
  void whatever_the_input_the_derived_names_are_valid(String input) {
    assertThat(ResourceNames.isSubdomain(ResourceNames.derived(input, "-invitation"))).as(input).isTrue();
    assertThat(ResourceNames.derived(input, "-invitation")).hasSizeLessThanOrEqualTo(253).endsWith("-invitation");
    assertThat(ResourceNames.derived(input, "." + "abcd1234")).hasSizeLessThanOrEqualTo(253);
    assertThat(ResourceNames.isSubdomain(ResourceNames.derived(input, ".abcd1234"))).as(input).isTrue();
    String label = ResourceNames.labelValue(input);
    assertThat(label).hasSizeLessThanOrEqualTo(63).matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    assertThat(ResourceNames.serviceName(input)).hasSizeLessThanOrEqualTo(63).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
  }

  @Test
  void a_very_long_input_gives_valid_names_too() {
    whatever_the_input_the_derived_names_are_valid("x".repeat(300));
  }

  @Test
  void two_inputs_that_clean_to_the_same_text_keep_different_names() {
    // A peer could otherwise name a share so that it lands on another one's local name.
    assertThat(ResourceNames.derived("org1", "-Peer_0")).isNotEqualTo(ResourceNames.derived("org1", "-peer-0"));
    assertThat(ResourceNames.derived("a".repeat(250), "-x")).isNotEqualTo(ResourceNames.derived("a".repeat(251), "-x"));
    assertThat(ResourceNames.labelValue("p".repeat(64))).isNotEqualTo(ResourceNames.labelValue("p".repeat(65)));
  }

  @Test
  void a_name_too_long_keeps_its_beginning_and_its_suffix() {
    String derived = ResourceNames.derived("k".repeat(250), "-public-key");
    assertThat(derived).hasSize(253).startsWith("kkkk").endsWith("-public-key");
    assertThat(ResourceNames.serviceName("1basic")).startsWith("s-").hasSizeLessThanOrEqualTo(63);
  }
}
