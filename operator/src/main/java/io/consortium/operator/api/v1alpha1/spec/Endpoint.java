package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A node's address and the TLS CA that its certificate chains to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Endpoint {

  @Required
  @Pattern("^[^\\s:/]+:[0-9]{1,5}$")
  @JsonPropertyDescription("HOST:PORT.")
  public String address;

  @JsonPropertyDescription("PEM certificate of the TLS CA.")
  public String tlsCACert;

  public Endpoint() {}

  public Endpoint(String address, String tlsCACert) {
    this.address = address;
    this.tlsCACert = tlsCACert;
  }
}
