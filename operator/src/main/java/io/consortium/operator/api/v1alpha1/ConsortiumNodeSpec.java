package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.consortium.operator.api.v1alpha1.spec.NodeOrigin;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type == 'BesuNode' ? has(self.enode) : has(self.mspId)",
    message = "a BesuNode needs spec.enode; a FabricPeer or FabricOrderer needs spec.mspId")
@ValidationRule(
    value = "!has(self.origin) || !has(self.advertise) || !self.advertise",
    message = "a node synced in from a peer (spec.origin) cannot be advertised again")
@ValidationRule(
    value = "has(self.origin) == has(oldSelf.origin)",
    message = "spec.origin is written by the operator for nodes synced from peers and cannot be added or removed")
public class ConsortiumNodeSpec {

  @Required
  @JsonPropertyDescription("FabricPeer, FabricOrderer or BesuNode.")
  public NodeType type;

  @JsonPropertyDescription("Local nodes: true sends this node's metadata to every pairing whose flow allows it.")
  public Boolean advertise;

  @JsonPropertyDescription("Fabric: the MSP ID of the node's organization.")
  @Size(max = 128)
  @Pattern("^[^\\s]+$")
  public String mspId;

  @Pattern("^enode://[0-9a-fA-F]{128}@[^\\s]+$")
  @JsonPropertyDescription("Besu: the node's enode URL, enode://<128 hex>@HOST:PORT[?discport=N].")
  public String enode;

  @Pattern("^[^\\s:/]+:[0-9]{1,5}$")
  @JsonPropertyDescription("HOST:PORT at which other organizations reach the node.")
  public String endpoint;

  @JsonPropertyDescription("PEM certificate of the TLS CA the node's TLS certificate chains to.")
  @Size(max = 65536)
  public String tlsCACert;

  @JsonPropertyDescription("PEM certificate of the node's identity (Fabric signing certificate), if shared.")
  @Size(max = 65536)
  public String identityCert;

  @JsonPropertyDescription("Remote nodes: the pairing and node they were synced from. Written by the operator.")
  public NodeOrigin origin;
}
