package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code kubectl explain} shows: every field of every kind under spec and status says what it is. */
class CrdDescriptionsTest {

  @Test
  void every_spec_and_status_field_of_every_kind_has_a_description() throws Exception {
    List<String> undescribed = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Path file : ProjectFiles.generatedCrdFiles()) {
      JsonNode crd = ProjectFiles.YAML.readTree(file.toFile());
      String kind = crd.at("/spec/names/kind").asText();
      JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties");
      for (String top : List.of("spec", "status")) {
        collect(schema.path(top), kind + "." + top, undescribed, seen);
      }
    }
    assertThat(seen).as("fields looked at").hasSizeGreaterThan(150).contains("PeerPairing.spec.invite.expiresIn",
        "KeyShare.status.recipients[].phase", "ConsortiumNode.spec.origin.pairing");
    assertThat(undescribed).as("fields without a description").isEmpty();
  }

  private static void collect(JsonNode node, String path, List<String> undescribed, List<String> seen) {
    for (Map.Entry<String, JsonNode> field : node.path("properties").properties()) {
      String fieldPath = path + "." + field.getKey();
      seen.add(fieldPath);
      if (!field.getValue().hasNonNull("description")) {
        undescribed.add(fieldPath);
      }
      collect(field.getValue(), fieldPath, undescribed, seen);
      collect(field.getValue().path("items"), fieldPath + "[]", undescribed, seen);
    }
  }
}
