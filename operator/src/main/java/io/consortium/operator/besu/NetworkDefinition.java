package io.consortium.operator.besu;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.consortium.operator.pki.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What NetworkShare carries from one organization to another for a Besu network: the chain ID,
 * the exact genesis bytes (every org must start from the same bytes to get the same genesis hash),
 * bootnodes, the validators, and the node endpoints each organization advertises. Public material
 * only. {@code genesis} is the file's bytes in base64 (a plain string, so a custom resource schema
 * sees a string), which keeps the bytes unchanged through JSON.
 *
 * <p>On construction the genesis is read and checked against the rest: its chain ID, and the
 * validators in its extraData (the validators at block 0; later votes may change the live set, so
 * {@code validators} must equal the genesis set only when it is given for a fresh network).
 */
public record NetworkDefinition(
    long chainId,
    String genesis,
    List<String> bootnodes,
    List<String> validators,
    List<OrganizationNodes> organizations) {

  public NetworkDefinition {
    if (genesis == null || genesis.isBlank()) {
      throw new IllegalArgumentException("network definition has no genesis");
    }
    byte[] genesisBytes;
    try {
      genesisBytes = Base64.getDecoder().decode(genesis.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("network definition genesis is not base64");
    }
    genesis = Base64.getEncoder().encodeToString(genesisBytes);
    BftGenesis parsed;
    try {
      parsed = BftGenesis.parse(genesisBytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("network definition genesis is unusable: " + e.getMessage());
    }
    if (parsed.chainId() != chainId) {
      throw new IllegalArgumentException(
          "network definition says chain ID " + chainId + " but its genesis says " + parsed.chainId());
    }
    List<String> bootnodeList = new ArrayList<>();
    for (String b : bootnodes == null ? List.<String>of() : bootnodes) {
      try {
        bootnodeList.add(EnodeUrl.parse(b).toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad bootnode: " + e.getMessage());
      }
    }
    bootnodes = List.copyOf(bootnodeList);
    TreeSet<NodeAddress> validatorSet = new TreeSet<>();
    for (String v : validators == null ? List.<String>of() : validators) {
      if (!validatorSet.add(NodeAddress.parse(v))) {
        throw new IllegalArgumentException("validator " + v + " is listed twice");
      }
    }
    if (validatorSet.isEmpty()) {
      throw new IllegalArgumentException("network definition names no validators");
    }
    validators = validatorSet.stream().map(NodeAddress::hex).toList();
    organizations = List.copyOf(organizations == null ? List.of() : organizations);
    Set<String> names = new HashSet<>();
    Set<String> nodeIds = new HashSet<>();
    for (OrganizationNodes org : organizations) {
      if (!names.add(org.organization())) {
        throw new IllegalArgumentException("organization " + org.organization() + " is listed twice");
      }
      for (EnodeUrl url : org.enodeUrls()) {
        if (!nodeIds.add(url.nodeId())) {
          throw new IllegalArgumentException(
              "node " + url.address() + " is advertised by more than one organization");
        }
      }
    }
  }

  /** A definition for a new network: the validators are those of the genesis. */
  public static NetworkDefinition forNewNetwork(
      byte[] genesis, List<String> bootnodes, List<OrganizationNodes> organizations) {
    BftGenesis parsed = BftGenesis.parse(genesis);
    return new NetworkDefinition(
        parsed.chainId(),
        Base64.getEncoder().encodeToString(genesis),
        bootnodes,
        parsed.validators().stream().map(NodeAddress::hex).toList(),
        organizations);
  }

  /** The genesis as read (chain ID, consensus options, validators at block 0). */
  @JsonIgnore
  public BftGenesis genesisContent() {
    return BftGenesis.parse(genesisBytes());
  }

  /** The exact genesis.json bytes to give the nodes. */
  @JsonIgnore
  public byte[] genesisBytes() {
    return Base64.getDecoder().decode(genesis);
  }

  /** Hex SHA-256 of the genesis bytes: two organizations compare this to know they hold the same. */
  @JsonIgnore
  public String genesisSha256() {
    return Sha256.hex(genesisBytes());
  }

  /**
   * {@code static-nodes.json} for the nodes of {@code receivingOrg}: the enodes of every other
   * organization, in the order they are listed, so its nodes keep connecting to them.
   */
  public byte[] staticNodesFor(String receivingOrg) {
    requireOrganization(receivingOrg);
    StringBuilder json = new StringBuilder("[");
    List<String> others = otherOrganizationsEnodes(receivingOrg);
    for (int i = 0; i < others.size(); i++) {
      json.append(i == 0 ? "\n" : ",\n").append("  \"").append(others.get(i)).append('"');
    }
    json.append(others.isEmpty() ? "]\n" : "\n]\n");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A {@code permissions_config.toml} for the nodes of {@code receivingOrg} with a
   * {@code nodes-allowlist} of every node they may talk to: the other organizations' nodes, the
   * organization's own nodes (they peer with each other too) and the bootnodes. Besu refuses
   * peers outside this list once {@code --permissions-nodes-config-file-enabled} is set.
   */
  public byte[] permissionsConfigFor(String receivingOrg) {
    requireOrganization(receivingOrg);
    LinkedHashSet<String> allow = new LinkedHashSet<>();
    for (OrganizationNodes org : organizations) {
      if (org.organization().equals(receivingOrg)) {
        allow.addAll(org.enodes());
      }
    }
    allow.addAll(otherOrganizationsEnodes(receivingOrg));
    allow.addAll(bootnodes);
    StringBuilder toml = new StringBuilder();
    toml.append("# Written by consortium-operator for organization ")
        .append(receivingOrg.replaceAll("[\\r\\n]", " "))
        .append(" from network definition ")
        .append(genesisSha256(), 0, 16)
        .append("\n");
    toml.append("nodes-allowlist=[");
    int i = 0;
    for (String enode : allow) {
      toml.append(i++ == 0 ? "\n" : ",\n").append("  \"").append(enode).append('"');
    }
    toml.append(allow.isEmpty() ? "]\n" : "\n]\n");
    return toml.toString().getBytes(StandardCharsets.UTF_8);
  }

  private List<String> otherOrganizationsEnodes(String receivingOrg) {
    List<String> out = new ArrayList<>();
    for (OrganizationNodes org : organizations) {
      if (!org.organization().equals(receivingOrg)) {
        out.addAll(org.enodes());
      }
    }
    return out;
  }

  private void requireOrganization(String org) {
    if (organizations.stream().noneMatch(o -> o.organization().equals(org))) {
      throw new IllegalArgumentException(
          "organization " + org + " is not part of this network definition (known: "
              + organizations.stream().map(OrganizationNodes::organization).toList() + ")");
    }
  }

  @Override
  public String toString() {
    return "NetworkDefinition[chainId=" + chainId + ", genesisSha256=" + genesisSha256()
        + ", validators=" + validators + ", organizations="
        + organizations.stream().map(OrganizationNodes::organization).toList() + "]";
  }
}
