package io.consortium.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChaincodeShareStatus extends ShareStatus {

  @JsonPropertyDescription("label:hex(sha256(package)), as `peer lifecycle chaincode calculatepackageid` prints it.")
  public String packageId;

  @JsonPropertyDescription("SHA-256 (hex) of the definition in its canonical form, for orgs to compare before approving.")
  public String definitionDigest;

  @JsonPropertyDescription("Incoming, once accepted with CCaaS: the Deployment running the chaincode here.")
  public String deploymentName;
}
