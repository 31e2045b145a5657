package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The chaincode definition every org approves: any difference makes the commit fail. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChaincodeDefinition {

  @Required
  @Size(max = 128)
  @Pattern("^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$")
  @JsonPropertyDescription("Chaincode name.")
  public String name;

  @Required
  @JsonPropertyDescription("Chaincode version.")
  @Size(min = 1, max = 128)
  public String version;

  @Required
  @Min(1)
  @JsonPropertyDescription("Definition sequence on the channel.")
  public Long sequence;

  @JsonPropertyDescription("Channel the definition is for.")
  public String channelId;

  @JsonPropertyDescription("Endorsement policy: a signature policy such as AND('Org1MSP.peer','Org2MSP.peer'),"
      + " or a channel policy reference such as /Channel/Application/Endorsement.")
  public String endorsementPolicy;

  @JsonPropertyDescription("Private data collections configuration (JSON, as the peer CLI takes it).")
  public String collections;

  @JsonPropertyDescription("Whether Init must be called before other functions.")
  public Boolean initRequired;
}
