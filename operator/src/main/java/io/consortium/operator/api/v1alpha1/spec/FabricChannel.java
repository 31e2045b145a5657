package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** A Fabric application channel as another organization needs it to join. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FabricChannel {

  @Required
  @Pattern("^[a-z][a-z0-9.-]*$")
  @JsonPropertyDescription("Channel ID, as Fabric allows it: lowercase letters, digits, dots and dashes.")
  public String channelId;

  @JsonPropertyDescription("Orderer endpoints with the TLS CA that signs their certificates.")
  public List<Endpoint> orderers;

  @JsonPropertyDescription("MSP IDs of the channel's member organizations.")
  public List<String> members;

  @JsonPropertyDescription("Outgoing: the channel's config block (protobuf) in a ConfigMap's binaryData.")
  public ConfigMapKeyRef configBlockRef;

  @JsonPropertyDescription("Incoming: SHA-256 (hex) of the config block received.")
  public String configBlockSha256;
}
