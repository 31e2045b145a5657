package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConsortiumNodeStatus extends ConsortiumStatus {

  @JsonPropertyDescription("'local', or the pairing a remote node was synced from.")
  public String origin;

  @JsonPropertyDescription("The MSP ID, or the enode's node ID shortened, for the printer column.")
  public String identity;

  @JsonPropertyDescription("Local nodes: the pairings this node's metadata was sent to.")
  public List<String> advertisedTo;

  @JsonPropertyDescription("Remote nodes: when the origin's metadata was last applied (RFC 3339).")
  public String syncedAt;
}
