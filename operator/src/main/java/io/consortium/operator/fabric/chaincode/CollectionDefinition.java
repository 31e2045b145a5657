package io.consortium.operator.fabric.chaincode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consortium.operator.fabric.policy.SignaturePolicyDsl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.peer.CollectionConfig;
import org.hyperledger.fabric.protos.peer.CollectionPolicyConfig;
import org.hyperledger.fabric.protos.peer.StaticCollectionConfig;

/**
 * A private data collection of a chaincode definition, Fabric's {@code StaticCollectionConfig}.
 *
 * @param endorsementPolicy the collection's own endorsement policy, or null for none
 */
public record CollectionDefinition(
    String name,
    SignaturePolicyEnvelope memberOrgsPolicy,
    int requiredPeerCount,
    int maxPeerCount,
    long blockToLive,
    boolean memberOnlyRead,
    boolean memberOnlyWrite,
    EndorsementPolicy endorsementPolicy) {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Fabric's collectionNameRegExp in core/chaincode/lifecycle. */
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9-]+([A-Za-z0-9_-]+)*");

  public CollectionDefinition {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("collection name is empty");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid collection name '" + name
          + "': letters, digits, '-' and '_', not starting with '_' (Fabric's _lifecycle rule)");
    }
    if (memberOrgsPolicy == null) {
      throw new IllegalArgumentException("collection " + name + " has no member orgs policy");
    }
    if (requiredPeerCount < 0 || maxPeerCount < 0) {
      throw new IllegalArgumentException("collection " + name + ": peer counts must not be negative");
    }
    if (maxPeerCount < requiredPeerCount) {
      throw new IllegalArgumentException("collection " + name + ": maxPeerCount " + maxPeerCount
          + " is less than requiredPeerCount " + requiredPeerCount);
    }
    if (blockToLive < 0) {
      throw new IllegalArgumentException("collection " + name + ": blockToLive must not be negative");
    }
  }

  public CollectionConfig toProto() {
    StaticCollectionConfig.Builder config = StaticCollectionConfig.newBuilder()
        .setName(name)
        .setMemberOrgsPolicy(CollectionPolicyConfig.newBuilder().setSignaturePolicy(memberOrgsPolicy))
        .setRequiredPeerCount(requiredPeerCount)
        .setMaximumPeerCount(maxPeerCount)
        .setBlockToLive(blockToLive)
        .setMemberOnlyRead(memberOnlyRead)
        .setMemberOnlyWrite(memberOnlyWrite);
    if (endorsementPolicy != null) {
      config.setEndorsementPolicy(endorsementPolicy.toApplicationPolicy());
    }
    return CollectionConfig.newBuilder().setStaticCollectionConfig(config).build();
  }

  static CollectionDefinition of(CollectionConfig proto) {
    if (!proto.hasStaticCollectionConfig()) {
      throw new IllegalArgumentException("collection config is not a static collection config");
    }
    StaticCollectionConfig c = proto.getStaticCollectionConfig();
    return new CollectionDefinition(
        c.getName(),
        c.getMemberOrgsPolicy().getSignaturePolicy(),
        c.getRequiredPeerCount(),
        c.getMaximumPeerCount(),
        c.getBlockToLive(),
        c.getMemberOnlyRead(),
        c.getMemberOnlyWrite(),
        c.hasEndorsementPolicy() ? EndorsementPolicy.of(c.getEndorsementPolicy()) : null);
  }

  /**
   * Reads a collections file in the format of {@code peer lifecycle chaincode approveformyorg
   * --collections-config}: a JSON array of {@code {name, policy, requiredPeerCount (default 0),
   * maxPeerCount (default 1), blockToLive, memberOnlyRead, memberOnlyWrite,
   * endorsementPolicy{signaturePolicy | channelConfigPolicy}}}.
   */
  public static List<CollectionDefinition> fromJson(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("collections config is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("collections config must be a JSON array of collections");
    }
    List<CollectionDefinition> collections = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode item : root) {
      String name = item.path("name").asText("");
      String where = "collection '" + name + "'";
      if (!item.path("policy").isTextual()) {
        throw new IllegalArgumentException(where + " has no 'policy' (the member orgs signature policy)");
      }
      SignaturePolicyEnvelope members;
      try {
        members = SignaturePolicyDsl.parse(item.get("policy").asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": invalid policy: " + e.getMessage());
      }
      EndorsementPolicy endorsement = null;
      JsonNode ep = item.path("endorsementPolicy");
      if (ep.isObject()) {
        String signature = ep.path("signaturePolicy").asText("");
        String channel = ep.path("channelConfigPolicy").asText("");
        if (!signature.isEmpty() && !channel.isEmpty()) {
          throw new IllegalArgumentException(where + ": endorsementPolicy has both signaturePolicy and channelConfigPolicy");
        }
        if (!signature.isEmpty()) {
          endorsement = EndorsementPolicy.signature(signature);
        } else if (!channel.isEmpty()) {
          endorsement = EndorsementPolicy.channelReference(channel);
        }
      }
      CollectionDefinition collection = new CollectionDefinition(
          name,
          members,
          integer(item, "requiredPeerCount", 0, where),
          integer(item, "maxPeerCount", 1, where),
          item.path("blockToLive").asLong(0),
          item.path("memberOnlyRead").asBoolean(false),
          item.path("memberOnlyWrite").asBoolean(false),
          endorsement);
      if (!names.add(collection.name())) {
        throw new IllegalArgumentException("collection '" + collection.name() + "' is defined twice");
      }
      collections.add(collection);
    }
    return collections;
  }

  private static int integer(JsonNode item, String field, int fallback, String where) {
    JsonNode value = item.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(where + ": '" + field + "' must be a whole number");
    }
    return value.intValue();
  }
}
