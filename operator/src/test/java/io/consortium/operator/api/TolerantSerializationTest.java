package io.consortium.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/**
 * One bad resource never stops the informer, and what the model could not hold is kept for the
 * operator's validation: a value it has no enum constant for, a value of the wrong type or size.
 */
class TolerantSerializationTest {

  private final KubernetesSerialization serialization = TolerantSerialization.create();

  private static String keyShare(String uid, String version, String spec) {
    return "{\"apiVersion\":\"consortium.io/v1alpha1\",\"kind\":\"KeyShare\",\"metadata\":{\"name\":\"ks-" + uid
        + "\",\"namespace\":\"org1\",\"uid\":\"" + uid + "\",\"resourceVersion\":\"" + version + "\"},\"spec\":" + spec + "}";
  }

  @Test
  void an_unknown_enum_value_reads_as_null_and_the_spec_as_stored_is_kept_for_copies_too() {
    KeyShare read = serialization.unmarshal(keyShare("u1", "7", "{\"to\":[\"org2\"],\"generate\":{\"curve\":\"P-999\"},"
        + "\"usage\":\"Admin\"}"), KeyShare.class);

    assertThat(read.getSpec().generate.curve).isNull();
    assertThat(read.getSpec().usage).isEqualTo(KeyUsage.Admin);
    assertThat(StoredSpecs.of(read)).get().satisfies(spec -> assertThat(spec.at("/generate/curve").asText()).isEqualTo("P-999"));
    // JOSDK hands the reconciler a copy made through the same serialization, which lost the value.
    KeyShare copy = serialization.clone(read);
    assertThat(StoredSpecs.of(copy)).as("found by UID and resourceVersion").isPresent();
  }

  @Test
  void a_value_of_the_wrong_type_or_size_reads_as_an_empty_spec_and_is_kept() {
    KeyShare wrongType = serialization.unmarshal(keyShare("u2", "1", "{\"to\":\"org2\",\"generate\":{}}"), KeyShare.class);
    assertThat(wrongType.getSpec().to).isNull();
    assertThat(wrongType.getMetadata().getName()).isEqualTo("ks-u2");
    assertThat(StoredSpecs.of(wrongType)).get().satisfies(spec -> assertThat(spec.path("to").asText()).isEqualTo("org2"));
  }

  @Test
  void one_bad_resource_in_a_list_does_not_lose_the_others() {
    String list = "{\"apiVersion\":\"consortium.io/v1alpha1\",\"kind\":\"KeyShareList\",\"metadata\":{},\"items\":["
        + keyShare("u3", "1", "{\"to\":[\"org2\"],\"generate\":{\"curve\":[1,2]}}") + ","
        + keyShare("u4", "1", "{\"to\":[\"org2\"],\"generate\":{\"curve\":\"P-384\"}}") + "]}";

    DefaultKubernetesResourceList<KeyShare> read = serialization.unmarshal(
        new java.io.ByteArrayInputStream(list.getBytes(java.nio.charset.StandardCharsets.UTF_8)), new TypeReference<DefaultKubernetesResourceList<KeyShare>>() {});

    assertThat(read.getItems()).hasSize(2);
    assertThat(StoredSpecs.of(read.getItems().get(0))).isPresent();
    assertThat(read.getItems().get(1).getSpec().generate.curve.name()).isEqualTo("P384");
    assertThat(StoredSpecs.of(read.getItems().get(1))).as("nothing kept for a resource read entirely").isEmpty();
  }

  @Test
  void a_newer_version_read_entirely_forgets_what_was_kept() {
    KeyShare bad = serialization.unmarshal(keyShare("u5", "1", "{\"to\":[\"org2\"],\"usage\":\"Boss\"}"), KeyShare.class);
    assertThat(StoredSpecs.of(bad)).isPresent();
    KeyShare fixed = serialization.unmarshal(keyShare("u5", "2", "{\"to\":[\"org2\"],\"usage\":\"Admin\"}"), KeyShare.class);
    assertThat(StoredSpecs.of(fixed)).isEmpty();
    assertThat(StoredSpecs.of(bad)).isEmpty();
  }
}
