package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Where a remote ConsortiumNode was synced from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeOrigin {

  @Required
  @JsonPropertyDescription("The local PeerPairing the node metadata arrived on.")
  public String pairing;

  @Required
  @JsonPropertyDescription("metadata.uid of the ConsortiumNode on the origin's cluster.")
  public String nodeUid;

  @JsonPropertyDescription("Name of the ConsortiumNode on the origin's cluster.")
  public String nodeName;

  @JsonPropertyDescription("Instance ID of the origin.")
  public String instanceId;
}
