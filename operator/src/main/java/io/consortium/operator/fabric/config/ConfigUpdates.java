package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;

/**
 * The ConfigUpdate that takes a channel from one config to another, by the rules of fabric's
 * {@code internal/configtxlator/update/update.go}: unchanged children are read at their version,
 * changed values and policies are written at version + 1, new ones at 0; a group whose membership
 * or mod_policy changed is written at version + 1 with all its children, otherwise at its version
 * with only the modified ones. Equality is semantic (map order inside a value does not count).
 */
public final class ConfigUpdates {

  private ConfigUpdates() {}

  public static ConfigUpdate compute(Config original, Config updated, String channelId) {
    if (channelId == null || channelId.isBlank()) {
      throw new IllegalArgumentException("the channel ID is empty");
    }
    if (!original.hasChannelGroup()) {
      throw new IllegalArgumentException("the original config has no channel group");
    }
    if (!updated.hasChannelGroup()) {
      throw new IllegalArgumentException("the updated config has no channel group");
    }
    GroupUpdate update = group(original.getChannelGroup(), updated.getChannelGroup(), OpaqueFields.GroupKind.CHANNEL);
    if (!update.changed) {
      throw new IllegalArgumentException("no differences between the original and the updated config");
    }
    return ConfigUpdate.newBuilder().setChannelId(channelId)
        .setReadSet(update.readSet).setWriteSet(update.writeSet).build();
  }

  private record GroupUpdate(ConfigGroup readSet, ConfigGroup writeSet, boolean changed) {}

  private static GroupUpdate group(ConfigGroup original, ConfigGroup updated, OpaqueFields.GroupKind kind) {
    ConfigGroup.Builder read = ConfigGroup.newBuilder().setVersion(original.getVersion());
    ConfigGroup.Builder write = ConfigGroup.newBuilder();
    Map<String, ConfigPolicy> samePolicies = new TreeMap<>();
    Map<String, ConfigValue> sameValues = new TreeMap<>();
    Map<String, ConfigGroup> sameGroups = new TreeMap<>();
    boolean membersChanged = false;
    boolean modified = false;

    for (String name : new TreeSet<>(union(original.getPoliciesMap(), updated.getPoliciesMap()))) {
      ConfigPolicy before = original.getPoliciesMap().get(name);
      ConfigPolicy after = updated.getPoliciesMap().get(name);
      if (after == null) {
        membersChanged = true;
      } else if (before == null) {
        membersChanged = true;
        write.putPolicies(name, ConfigPolicy.newBuilder().setVersion(0).setModPolicy(after.getModPolicy()).setPolicy(after.getPolicy()).build());
      } else if (before.getModPolicy().equals(after.getModPolicy()) && samePolicy(before.getPolicy(), after.getPolicy())) {
        samePolicies.put(name, ConfigPolicy.newBuilder().setVersion(before.getVersion()).build());
      } else {
        modified = true;
        write.putPolicies(name, ConfigPolicy.newBuilder().setVersion(before.getVersion() + 1)
            .setModPolicy(after.getModPolicy()).setPolicy(after.getPolicy()).build());
      }
    }
    for (String name : new TreeSet<>(union(original.getValuesMap(), updated.getValuesMap()))) {
      ConfigValue before = original.getValuesMap().get(name);
      ConfigValue after = updated.getValuesMap().get(name);
      if (after == null) {
        membersChanged = true;
      } else if (before == null) {
        membersChanged = true;
        write.putValues(name, ConfigValue.newBuilder().setVersion(0).setModPolicy(after.getModPolicy()).setValue(after.getValue()).build());
      } else if (before.getModPolicy().equals(after.getModPolicy()) && sameValue(kind, name, before.getValue(), after.getValue())) {
        sameValues.put(name, ConfigValue.newBuilder().setVersion(before.getVersion()).build());
      } else {
        modified = true;
        write.putValues(name, ConfigValue.newBuilder().setVersion(before.getVersion() + 1)
            .setModPolicy(after.getModPolicy()).setValue(after.getValue()).build());
      }
    }
    for (String name : new TreeSet<>(union(original.getGroupsMap(), updated.getGroupsMap()))) {
      ConfigGroup before = original.getGroupsMap().get(name);
      ConfigGroup after = updated.getGroupsMap().get(name);
      OpaqueFields.GroupKind childKind = OpaqueFields.subGroup(kind, name);
      if (after == null) {
        membersChanged = true;
      } else if (before == null) {
        membersChanged = true;
        GroupUpdate fresh = group(ConfigGroup.getDefaultInstance(), after, childKind);
        write.putGroups(name, fresh.writeSet.toBuilder().setVersion(0).setModPolicy(after.getModPolicy()).build());
      } else {
        GroupUpdate child = group(before, after, childKind);
        if (!child.changed) {
          sameGroups.put(name, child.readSet);
        } else {
          modified = true;
          read.putGroups(name, child.readSet);
          write.putGroups(name, child.writeSet);
        }
      }
    }

    if (!membersChanged && original.getModPolicy().equals(updated.getModPolicy())) {
      if (!modified) {
        ConfigGroup versionOnly = ConfigGroup.newBuilder().setVersion(original.getVersion()).build();
        return new GroupUpdate(versionOnly, versionOnly, false);
      }
      return new GroupUpdate(read.build(), write.setVersion(original.getVersion()).build(), true);
    }
    // Membership or mod_policy changed: the group is rewritten, so every unchanged child is named too.
    samePolicies.forEach((k, v) -> { read.putPolicies(k, v); write.putPolicies(k, v); });
    sameValues.forEach((k, v) -> { read.putValues(k, v); write.putValues(k, v); });
    sameGroups.forEach((k, v) -> { read.putGroups(k, v); write.putGroups(k, v); });
    return new GroupUpdate(read.build(),
        write.setVersion(original.getVersion() + 1).setModPolicy(updated.getModPolicy()).build(), true);
  }

  private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
    java.util.Set<String> keys = new java.util.HashSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys;
  }

  static boolean samePolicy(Policy a, Policy b) {
    if (a.getType() != b.getType()) {
      return false;
    }
    if (a.getValue().equals(b.getValue())) {
      return true;
    }
    Message prototype = switch (a.getType()) {
      case Policy.PolicyType.SIGNATURE_VALUE -> SignaturePolicyEnvelope.getDefaultInstance();
      case Policy.PolicyType.IMPLICIT_META_VALUE -> ImplicitMetaPolicy.getDefaultInstance();
      default -> null;
    };
    return sameMessage(prototype, a.getValue(), b.getValue());
  }

  static boolean sameValue(OpaqueFields.GroupKind kind, String key, ByteString a, ByteString b) {
    if (a.equals(b)) {
      return true;
    }
    OpaqueFields.Opaque type = OpaqueFields.configValueType(kind, key);
    return sameMessage(type.prototype(), a, b);
  }

  /** Protobuf bytes are not canonical (map order): compare the parsed messages when the type is known. */
  private static boolean sameMessage(Message prototype, ByteString a, ByteString b) {
    if (prototype == null) {
      return false;
    }
    try {
      return prototype.getParserForType().parseFrom(a).equals(prototype.getParserForType().parseFrom(b));
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }
}
