package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;
import io.consortium.operator.api.ResourceNames;

/** One key of a ConfigMap (data or binaryData) in the operator's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapKeyRef {

  @Required
  @Size(max = ResourceNames.SUBDOMAIN_MAX)
  @Pattern(ResourceNames.SUBDOMAIN_PATTERN)
  @JsonPropertyDescription("Name of the ConfigMap, in the same namespace.")
  public String name;

  @Required
  @Size(max = ResourceNames.SUBDOMAIN_MAX)
  @Pattern(ResourceNames.DATA_KEY_PATTERN)
  @JsonPropertyDescription("Key in the ConfigMap's data or binaryData.")
  public String key;

  public ConfigMapKeyRef() {}

  public ConfigMapKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
