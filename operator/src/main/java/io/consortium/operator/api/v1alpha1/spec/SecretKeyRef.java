package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;
import io.consortium.operator.api.ResourceNames;

/** A Secret in the operator's namespace, and optionally one key of it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {

  @Required
  @Size(max = ResourceNames.SUBDOMAIN_MAX)
  @Pattern(ResourceNames.SUBDOMAIN_PATTERN)
  @JsonPropertyDescription("Name of the Secret, in the same namespace.")
  public String name;

  @Size(max = ResourceNames.SUBDOMAIN_MAX)
  @Pattern(ResourceNames.DATA_KEY_PATTERN)
  @JsonPropertyDescription("Key inside the Secret. When empty, the usual keys are tried (see the kind's documentation).")
  public String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
