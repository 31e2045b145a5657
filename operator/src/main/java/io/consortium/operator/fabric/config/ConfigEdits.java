package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.OrdererAddresses;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.orderer.ConsensusType;
import org.hyperledger.fabric.protos.orderer.etcdraft.ConfigMetadata;
import org.hyperledger.fabric.protos.orderer.etcdraft.Consenter;

/**
 * Edits of a channel config as pure functions: each returns a new Config and leaves versions
 * alone (compute_update derives them). Each refuses an edit that makes no sense for the config,
 * naming what is missing or already there.
 */
public final class ConfigEdits {

  private static final Pattern DURATION = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");

  private ConfigEdits() {}

  public static Config addApplicationOrg(Config config, OrgDefinition org) {
    return addOrg(config, "Application", org.mspId(), org.applicationOrgGroup());
  }

  public static Config addOrdererOrg(Config config, OrgDefinition org) {
    return addOrg(config, "Orderer", org.mspId(), org.ordererOrgGroup());
  }

  /** Adds an org group (as made by {@code fabric org-definition}) under Application or Orderer. */
  public static Config addOrg(Config config, String section, String orgName, ConfigGroup org) {
    return edit(config, List.of(section), group -> {
      if (group.getGroupsMap().containsKey(orgName)) {
        throw new IllegalArgumentException(section + " already has an org " + orgName);
      }
      FabricMSPConfig msp = ChannelMsps.mspOf(org);
      for (ConfigGroup existing : group.getGroupsMap().values()) {
        FabricMSPConfig other = ChannelMsps.mspOf(existing);
        if (msp != null && other != null && other.getName().equals(msp.getName())) {
          throw new IllegalArgumentException(section + " already has an org with MSP ID " + msp.getName());
        }
      }
      return group.toBuilder().putGroups(orgName, org).build();
    });
  }

  public static Config removeApplicationOrg(Config config, String orgName) {
    return removeOrg(config, "Application", orgName);
  }

  public static Config removeOrdererOrg(Config config, String orgName) {
    return removeOrg(config, "Orderer", orgName);
  }

  private static Config removeOrg(Config config, String section, String orgName) {
    return edit(config, List.of(section), group -> {
      if (!group.getGroupsMap().containsKey(orgName)) {
        throw new IllegalArgumentException(section + " has no org " + orgName);
      }
      return group.toBuilder().removeGroups(orgName).build();
    });
  }

  /** Replaces an org's MSP (certificate rotation); the MSP ID must stay the same. */
  public static Config updateOrgMsp(Config config, String section, String orgName, OrgDefinition org) {
    return edit(config, List.of(section, orgName), group -> {
      FabricMSPConfig current = ChannelMsps.mspOf(group);
      if (current == null) {
        throw new IllegalArgumentException(section + "/" + orgName + " has no Fabric MSP value");
      }
      if (!current.getName().equals(org.mspId())) {
        throw new IllegalArgumentException("the new MSP is " + org.mspId() + " but " + section + "/" + orgName + " is " + current.getName());
      }
      return withValue(group, "MSP", org.mspValue());
    });
  }

  public static Config setAnchorPeers(Config config, String orgName, List<OrgDefinition.HostPort> peers) {
    return edit(config, List.of("Application", orgName), group -> {
      if (peers.isEmpty()) {
        return group.toBuilder().removeValues("AnchorPeers").build();
      }
      return withValue(group, "AnchorPeers", OrgDefinition.anchorPeersValue(peers));
    });
  }

  public static Config addConsenter(Config config, Consenter consenter) {
    return editRaft(config, metadata -> {
      for (Consenter c : metadata.getConsentersList()) {
        if (c.getHost().equals(consenter.getHost()) && c.getPort() == consenter.getPort()) {
          throw new IllegalArgumentException("consenter " + consenter.getHost() + ":" + consenter.getPort() + " is already in the channel");
        }
      }
      if (consenter.getClientTlsCert().isEmpty() || consenter.getServerTlsCert().isEmpty()) {
        throw new IllegalArgumentException("a consenter needs its client and server TLS certificates");
      }
      return metadata.toBuilder().addConsenters(consenter).build();
    });
  }

  public static Config removeConsenter(Config config, String host, int port) {
    return editRaft(config, metadata -> {
      List<Consenter> kept = new ArrayList<>();
      for (Consenter c : metadata.getConsentersList()) {
        if (!(c.getHost().equals(host) && c.getPort() == port)) {
          kept.add(c);
        }
      }
      if (kept.size() == metadata.getConsentersCount()) {
        throw new IllegalArgumentException("no consenter " + host + ":" + port + " in the channel");
      }
      if (kept.isEmpty()) {
        throw new IllegalArgumentException("cannot remove the last consenter");
      }
      return metadata.toBuilder().clearConsenters().addAllConsenters(kept).build();
    });
  }

  public static Config addOrdererEndpoint(Config config, String orgName, String endpoint) {
    OrgDefinition.HostPort.parse(endpoint);
    return editEndpoints(config, orgName, addresses -> {
      if (addresses.contains(endpoint)) {
        throw new IllegalArgumentException("orderer org " + orgName + " already has endpoint " + endpoint);
      }
      List<String> out = new ArrayList<>(addresses);
      out.add(endpoint);
      return out;
    });
  }

  public static Config removeOrdererEndpoint(Config config, String orgName, String endpoint) {
    return editEndpoints(config, orgName, addresses -> {
      if (!addresses.contains(endpoint)) {
        throw new IllegalArgumentException("orderer org " + orgName + " has no endpoint " + endpoint);
      }
      List<String> out = new ArrayList<>(addresses);
      out.remove(endpoint);
      return out;
    });
  }

  /** Sets (adds or replaces) a policy of a group, e.g. path "Application", name "Admins". */
  public static Config setPolicy(Config config, String groupPath, String policyName, Policy policy, String modPolicy) {
    return edit(config, path(groupPath), group -> {
      ConfigPolicy current = group.getPoliciesMap().get(policyName);
      ConfigPolicy.Builder next = current == null ? ConfigPolicy.newBuilder().setModPolicy(modPolicy) : current.toBuilder();
      return group.toBuilder().putPolicies(policyName, next.setPolicy(policy).build()).build();
    });
  }

  public static Config setBatchSize(Config config, Integer maxMessageCount, Integer absoluteMaxBytes, Integer preferredMaxBytes) {
    return edit(config, List.of("Orderer"), group -> {
      BatchSize current = valueOf(group, "BatchSize", BatchSize.parser(), "Orderer");
      BatchSize.Builder next = current.toBuilder();
      if (maxMessageCount != null) {
        next.setMaxMessageCount(positive(maxMessageCount, "max message count"));
      }
      if (absoluteMaxBytes != null) {
        next.setAbsoluteMaxBytes(positive(absoluteMaxBytes, "absolute max bytes"));
      }
      if (preferredMaxBytes != null) {
        next.setPreferredMaxBytes(positive(preferredMaxBytes, "preferred max bytes"));
      }
      if (Integer.toUnsignedLong(next.getPreferredMaxBytes()) > Integer.toUnsignedLong(next.getAbsoluteMaxBytes())) {
        throw new IllegalArgumentException("preferred max bytes " + next.getPreferredMaxBytes()
            + " exceeds absolute max bytes " + next.getAbsoluteMaxBytes());
      }
      return withValue(group, "BatchSize", next.build());
    });
  }

  /** Sets the batch timeout, a Go duration such as "2s" or "500ms". */
  public static Config setBatchTimeout(Config config, String timeout) {
    if (timeout == null || !DURATION.matcher(timeout).matches()) {
      throw new IllegalArgumentException("'" + timeout + "' is not a duration like 2s or 500ms");
    }
    return edit(config, List.of("Orderer"), group -> {
      valueOf(group, "BatchTimeout", BatchTimeout.parser(), "Orderer");
      return withValue(group, "BatchTimeout", BatchTimeout.newBuilder().setTimeout(timeout).build());
    });
  }

  // ---- helpers ----

  private static Config editRaft(Config config, UnaryOperator<ConfigMetadata> change) {
    return edit(config, List.of("Orderer"), group -> {
      ConsensusType type = valueOf(group, "ConsensusType", ConsensusType.parser(), "Orderer");
      if (!"etcdraft".equals(type.getType())) {
        throw new IllegalArgumentException("the orderer's consensus type is '" + type.getType() + "', not etcdraft");
      }
      ConfigMetadata metadata = ConfigDocument.parse(ConfigMetadata.parser(), type.getMetadata(), "etcdraft metadata");
      return withValue(group, "ConsensusType", type.toBuilder().setMetadata(change.apply(metadata).toByteString()).build());
    });
  }

  private static Config editEndpoints(Config config, String orgName, UnaryOperator<List<String>> change) {
    return edit(config, List.of("Orderer", orgName), group -> {
      ConfigValue value = group.getValuesMap().get("Endpoints");
      List<String> addresses = value == null ? List.of()
          : ConfigDocument.parse(OrdererAddresses.parser(), value.getValue(), "Endpoints").getAddressesList();
      List<String> next = change.apply(addresses);
      if (next.isEmpty()) {
        return group.toBuilder().removeValues("Endpoints").build();
      }
      return withValue(group, "Endpoints", OrdererAddresses.newBuilder().addAllAddresses(next).build());
    });
  }

  private static <T extends Message> T valueOf(ConfigGroup group, String key, com.google.protobuf.Parser<T> parser, String where) {
    ConfigValue value = group.getValuesMap().get(key);
    if (value == null) {
      throw new IllegalArgumentException(where + " has no " + key + " value");
    }
    return ConfigDocument.parse(parser, value.getValue(), key);
  }

  /** Replaces a value's content, keeping its version and mod_policy (Admins for a new value). */
  static ConfigGroup withValue(ConfigGroup group, String key, Message content) {
    ConfigValue current = group.getValuesMap().get(key);
    ConfigValue.Builder next = current == null ? ConfigValue.newBuilder().setModPolicy("Admins") : current.toBuilder();
    ByteString bytes = content.toByteString();
    return group.toBuilder().putValues(key, next.setValue(bytes).build()).build();
  }

  private static int positive(int n, String what) {
    if (n <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + n);
    }
    return n;
  }

  static List<String> path(String groupPath) {
    String p = groupPath.startsWith("/") ? groupPath.substring(1) : groupPath;
    if (p.startsWith("Channel/")) {
      p = p.substring("Channel/".length());
    } else if (p.equals("Channel")) {
      p = "";
    }
    return p.isEmpty() ? List.of() : Arrays.asList(p.split("/"));
  }

  /** Applies a change to the group at the path (below the channel group). */
  public static Config edit(Config config, List<String> path, UnaryOperator<ConfigGroup> change) {
    if (!config.hasChannelGroup()) {
      throw new IllegalArgumentException("the config has no channel group");
    }
    return config.toBuilder().setChannelGroup(editGroup(config.getChannelGroup(), path, 0, change)).build();
  }

  private static ConfigGroup editGroup(ConfigGroup group, List<String> path, int depth, UnaryOperator<ConfigGroup> change) {
    if (depth == path.size()) {
      return change.apply(group);
    }
    String name = path.get(depth);
    ConfigGroup child = group.getGroupsMap().get(name);
    if (child == null) {
      throw new IllegalArgumentException("the config has no group " + String.join("/", path.subList(0, depth + 1)));
    }
    return group.toBuilder().putGroups(name, editGroup(child, path, depth + 1, change)).build();
  }
}
