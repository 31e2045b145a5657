package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** A Besu (QBFT) network as another organization needs it to run nodes in it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BesuNetwork {

  @Required
  @Min(1)
  @JsonPropertyDescription("The chain ID.")
  public Long chainId;

  @JsonPropertyDescription("Outgoing: the exact genesis.json bytes in a ConfigMap, so every org computes the same genesis hash.")
  public ConfigMapKeyRef genesisRef;

  @JsonPropertyDescription("Incoming: SHA-256 (hex) of the genesis.json received.")
  public String genesisSha256;

  @JsonPropertyDescription("Bootnode enode URLs.")
  public List<String> bootnodes;

  @JsonPropertyDescription("Validator addresses (0x-prefixed, 20 bytes).")
  public List<String> validators;
}
