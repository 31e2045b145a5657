package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Per kind, whether shares received over a pairing are accepted without a person. Manual by default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AcceptPolicy {

  @JsonProperty("KeyShare")
  @JsonPropertyDescription("Manual (default) or Auto for incoming KeyShares.")
  public AcceptMode keyShare;

  @JsonProperty("NetworkShare")
  @JsonPropertyDescription("Manual (default) or Auto for incoming NetworkShares.")
  public AcceptMode networkShare;

  @JsonProperty("ChaincodeShare")
  @JsonPropertyDescription("Manual (default) or Auto for incoming ChaincodeShares.")
  public AcceptMode chaincodeShare;

  @JsonProperty("ConfigProposal")
  @JsonPropertyDescription("Manual (default) or Auto for incoming ConfigProposals. Auto approval cannot sign a"
      + " Fabric update: that needs spec.signer on the proposal.")
  public AcceptMode configProposal;

  /** The mode for a kind by its Kubernetes kind name; Manual when unset. */
  public AcceptMode modeFor(String kind) {
    AcceptMode mode =
        switch (kind) {
          case "KeyShare" -> keyShare;
          case "NetworkShare" -> networkShare;
          case "ChaincodeShare" -> chaincodeShare;
          case "ConfigProposal" -> configProposal;
          default -> null;
        };
    return mode == null ? AcceptMode.Manual : mode;
  }
}
