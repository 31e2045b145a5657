package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkShareStatus extends ShareStatus {

  @JsonPropertyDescription("The channel ID or the chain ID, for the printer column: read from the config block or genesis when one is shared.")
  public String network;

  @JsonPropertyDescription("Fabric: the channel ID read from the config block's channel header, when a block is shared.")
  public String channelId;

  @JsonPropertyDescription("Fabric: SHA-256 (hex) of the config block, computed here from its bytes.")
  public String configBlockSha256;

  @JsonPropertyDescription("Besu: the chain ID read from the genesis.json itself.")
  public Long chainId;

  @JsonPropertyDescription("Besu: SHA-256 (hex) of the genesis.json, computed here from its bytes; every organization"
      + " that starts from the same bytes gets the same genesis block.")
  public String genesisSha256;

  @JsonPropertyDescription("Incoming, once accepted: the ConfigMap with what local nodes consume (a Fabric"
      + " connection profile, or a Besu genesis.json and static-nodes.json).")
  public String configMapName;
}
