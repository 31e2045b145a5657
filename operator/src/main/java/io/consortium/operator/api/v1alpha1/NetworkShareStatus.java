package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkShareStatus extends ShareStatus {

  @JsonPropertyDescription("The channel ID or the chain ID, for the printer column.")
  public String network;

  @JsonPropertyDescription("Incoming, once accepted: the ConfigMap with what local nodes consume (a Fabric"
      + " connection profile, or a Besu genesis.json and static-nodes.json).")
  public String configMapName;
}
