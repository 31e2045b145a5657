package io.consortium.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.StoredSpecs;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;

/**
 * A resource's spec checked against its CRD, from what the informer already holds (no API read):
 * the spec as stored when the model lost part of it ({@link StoredSpecs}), else the model's spec.
 */
public final class SpecValidation {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecValidation() {}

  public static List<Violation> check(CustomResource<?, ?> resource) {
    JsonNode spec = StoredSpecs.of(resource).orElseGet(() -> JSON.valueToTree(resource.getSpec()));
    ObjectNode checked = JSON.createObjectNode();
    // metadata.name: the only part of metadata a CRD's rules may look at (PeerPairing's does).
    checked.putObject("metadata").put("name", resource.getMetadata().getName());
    checked.set("spec", spec == null || spec.isNull() ? JSON.createObjectNode() : spec);
    return CrdRules.of(resource.getClass()).check(checked, null);
  }

  /**
   * The violations as one message for a condition: every field path with what is allowed (the first
   * ten; a person fixes them in one edit), in field order.
   */
  public static String message(List<Violation> violations) {
    StringBuilder text = new StringBuilder();
    int shown = Math.min(10, violations.size());
    for (int i = 0; i < shown; i++) {
      text.append(i == 0 ? "" : "; ").append(violations.get(i));
    }
    if (violations.size() > shown) {
      text.append("; and ").append(violations.size() - shown).append(" more");
    }
    return text.toString();
  }
}
