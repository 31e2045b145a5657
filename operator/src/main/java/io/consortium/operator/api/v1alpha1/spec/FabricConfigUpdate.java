package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A Fabric channel config update: the exact bytes every org signs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FabricConfigUpdate {

  @Required
  @Pattern("^[a-z][a-z0-9.-]*$")
  @JsonPropertyDescription("The channel the update is for.")
  public String channelId;

  @JsonPropertyDescription("Outgoing: the ConfigUpdate protobuf in a ConfigMap's binaryData, marshalled once and signed as is.")
  public ConfigMapKeyRef configUpdateRef;

  @JsonPropertyDescription("Outgoing, optional: the channel's current config (a config block as peer channel fetch config"
      + " writes it, or a Config) in a ConfigMap. With it the origin also checks that each signer is an admin of an MSP of"
      + " the channel, lists the changes old -> new, and shows whether the orderer's policy checks pass (condition"
      + " ChannelPolicy).")
  public ConfigMapKeyRef channelConfigRef;

  @JsonPropertyDescription("Incoming: the ConfigUpdate bytes received (base64), exactly as the origin marshalled them;"
      + " Approve signs these bytes once their SHA-256 matches configUpdateSha256. Written by the operator.")
  public String configUpdate;

  @JsonPropertyDescription("Incoming: SHA-256 (hex) of the ConfigUpdate bytes received.")
  public String configUpdateSha256;

  @JsonPropertyDescription("What the update changes, in words, for the approver to read before signing.")
  public java.util.List<String> changes;
}
