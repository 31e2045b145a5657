package io.consortium.operator.fabric.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.Sha256;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigValue;

/**
 * What a config update changes, in lines an approver reads before signing: groups, values and
 * policies added or removed, and for a changed value each field that changes, old -> new.
 */
public final class ConfigChanges {

  private ConfigChanges() {}

  public static List<String> describe(Config current, ConfigUpdate update) {
    List<String> out = new ArrayList<>();
    group("", OpaqueFields.GroupKind.CHANNEL, current.getChannelGroup(), update.getWriteSet(), out);
    if (out.isEmpty()) {
      out.add("no change: the write set only repeats the current config");
    }
    return out;
  }

  /**
   * What an update writes, read from the update alone, for an approver who has not the channel's
   * current config at hand: the elements its write set changes (a version the read set does not
   * hold) with their new content. Old values, and what a rewritten group drops, need the current
   * config ({@link #describe}).
   */
  public static List<String> ofUpdate(ConfigUpdate update) {
    List<String> out = new ArrayList<>();
    delta("", OpaqueFields.GroupKind.CHANNEL, update.hasReadSet() ? update.getReadSet() : null, update.getWriteSet(), out);
    if (out.isEmpty()) {
      out.add("no change: the write set only repeats the read set");
    }
    return out;
  }

  private static void delta(String path, OpaqueFields.GroupKind kind, ConfigGroup read, ConfigGroup write, List<String> out) {
    String where = path.isEmpty() ? "Channel" : path;
    if (read == null && write.getVersion() == 0) {
      out.add("add group " + where + contents(write));
      for (var e : write.getGroupsMap().entrySet()) {
        delta(join(path, e.getKey()), OpaqueFields.subGroup(kind, e.getKey()), null, e.getValue(), out);
      }
      return;
    }
    if (read == null || read.getVersion() != write.getVersion()) {
      out.add("rewrite group " + where + " at version " + write.getVersion() + contents(write)
          + " (its members or mod_policy change)");
    }
    for (var e : write.getValuesMap().entrySet()) {
      ConfigValue before = read == null ? null : read.getValuesMap().get(e.getKey());
      if (before == null || before.getVersion() != e.getValue().getVersion()) {
        out.add((e.getValue().getVersion() == 0 ? "add value " : "set value ") + join(path, e.getKey()) + " at version "
            + e.getValue().getVersion() + ": " + summary(valueTree(kind, e.getKey(), e.getValue().getValue())));
      }
    }
    for (var e : write.getPoliciesMap().entrySet()) {
      ConfigPolicy before = read == null ? null : read.getPoliciesMap().get(e.getKey());
      if (before == null || before.getVersion() != e.getValue().getVersion()) {
        out.add((e.getValue().getVersion() == 0 ? "add policy " : "set policy ") + join(path, e.getKey()) + " at version "
            + e.getValue().getVersion() + ": " + PolicyText.of(e.getValue().getPolicy()));
      }
    }
    for (var e : write.getGroupsMap().entrySet()) {
      delta(join(path, e.getKey()), OpaqueFields.subGroup(kind, e.getKey()),
          read == null ? null : read.getGroupsMap().get(e.getKey()), e.getValue(), out);
    }
  }

  private static void group(String path, OpaqueFields.GroupKind kind, ConfigGroup current, ConfigGroup write, List<String> out) {
    String where = path.isEmpty() ? "Channel" : path;
    if (current == null) {
      out.add("add group " + where + " at version " + write.getVersion() + contents(write));
      for (var e : write.getGroupsMap().entrySet()) {
        group(join(path, e.getKey()), OpaqueFields.subGroup(kind, e.getKey()), null, e.getValue(), out);
      }
      return;
    }
    boolean rewritten = write.getVersion() != current.getVersion();
    if (rewritten) {
      if (!write.getModPolicy().equals(current.getModPolicy())) {
        out.add(where + ": mod_policy " + quote(current.getModPolicy()) + " -> " + quote(write.getModPolicy()));
      }
      for (String name : current.getGroupsMap().keySet()) {
        if (!write.getGroupsMap().containsKey(name)) {
          out.add("remove group " + join(path, name));
        }
      }
      for (String name : current.getValuesMap().keySet()) {
        if (!write.getValuesMap().containsKey(name)) {
          out.add("remove value " + join(path, name));
        }
      }
      for (String name : current.getPoliciesMap().keySet()) {
        if (!write.getPoliciesMap().containsKey(name)) {
          out.add("remove policy " + join(path, name));
        }
      }
    }
    for (var e : write.getValuesMap().entrySet()) {
      ConfigValue before = current.getValuesMap().get(e.getKey());
      ConfigValue after = e.getValue();
      String name = join(path, e.getKey());
      if (before == null) {
        out.add("add value " + name + " at version " + after.getVersion() + ": " + summary(valueTree(kind, e.getKey(), after.getValue())));
      } else if (after.getVersion() != before.getVersion()) {
        List<String> diffs = new ArrayList<>();
        diff("", valueTree(kind, e.getKey(), before.getValue()), valueTree(kind, e.getKey(), after.getValue()), diffs);
        if (!before.getModPolicy().equals(after.getModPolicy())) {
          diffs.add("mod_policy " + quote(before.getModPolicy()) + " -> " + quote(after.getModPolicy()));
        }
        out.add(name + ": " + (diffs.isEmpty() ? "rewritten unchanged" : String.join("; ", diffs)));
      }
    }
    for (var e : write.getPoliciesMap().entrySet()) {
      ConfigPolicy before = current.getPoliciesMap().get(e.getKey());
      ConfigPolicy after = e.getValue();
      String name = join(path, e.getKey());
      if (before == null) {
        out.add("add policy " + name + " at version " + after.getVersion() + ": " + PolicyText.of(after.getPolicy()));
      } else if (after.getVersion() != before.getVersion()) {
        String change = PolicyText.of(before.getPolicy()) + " -> " + PolicyText.of(after.getPolicy());
        if (!before.getModPolicy().equals(after.getModPolicy())) {
          change += "; mod_policy " + quote(before.getModPolicy()) + " -> " + quote(after.getModPolicy());
        }
        out.add("policy " + name + ": " + change);
      }
    }
    for (var e : write.getGroupsMap().entrySet()) {
      group(join(path, e.getKey()), OpaqueFields.subGroup(kind, e.getKey()), current.getGroupsMap().get(e.getKey()), e.getValue(), out);
    }
  }

  private static String contents(ConfigGroup group) {
    List<String> parts = new ArrayList<>();
    if (!group.getValuesMap().isEmpty()) {
      parts.add("values " + String.join(", ", group.getValuesMap().keySet()));
    }
    if (!group.getPoliciesMap().isEmpty()) {
      parts.add("policies " + String.join(", ", group.getPoliciesMap().keySet()));
    }
    if (!group.getGroupsMap().isEmpty()) {
      parts.add("groups " + String.join(", ", group.getGroupsMap().keySet()));
    }
    String modPolicy = group.getModPolicy().isEmpty() ? "" : ", mod_policy " + group.getModPolicy();
    return (parts.isEmpty() ? "" : " with " + String.join(" and ", parts)) + modPolicy;
  }

  static JsonNode valueTree(OpaqueFields.GroupKind kind, String key, ByteString bytes) {
    var type = OpaqueFields.configValueType(kind, key);
    if (type.prototype() == null) {
      return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
    try {
      return ConfigJson.toTree(type.prototype().getParserForType().parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      return TextNode.valueOf("(corrupt " + key + ")");
    }
  }

  /** Leaf-by-leaf differences of two JSON trees: "field old -> new". */
  static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a != null && b != null && a.equals(b)) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Set<String> names = new LinkedHashSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (name.equals(ConfigJson.ORIGINAL_BYTES)) {
          continue;
        }
        diff(path.isEmpty() ? name : path + "." + name, a.get(name), b.get(name), out);
      }
      return;
    }
    if (a != null && b != null && a.isArray() && b.isArray()) {
      List<JsonNode> removed = new ArrayList<>();
      a.forEach(removed::add);
      List<JsonNode> added = new ArrayList<>();
      for (Iterator<JsonNode> it = b.elements(); it.hasNext(); ) {
        JsonNode x = it.next();
        if (!removed.remove(x)) {
          added.add(x);
        }
      }
      // Lists (certificates, consenters, addresses) read best as what left and what came.
      removed.forEach(x -> out.add(path + " removes " + summary(x)));
      added.forEach(x -> out.add(path + " adds " + summary(x)));
      return;
    }
    out.add(path + " " + summary(a) + " -> " + summary(b));
  }

  static String summary(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "(none)";
    }
    if (node.isTextual()) {
      return summaryText(node.asText());
    }
    if (node.isValueNode()) {
      return node.asText();
    }
    if (node.isObject() && node.size() <= 6 && allShort(node)) {
      List<String> parts = new ArrayList<>();
      node.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + summary(e.getValue())));
      return "{" + String.join(", ", parts) + "}";
    }
    if (node.isObject() && node.has("config") && node.get("config").has("name")) {
      return "MSP " + node.get("config").get("name").asText();
    }
    return node.isArray() ? node.size() + " entries" : "{" + node.size() + " fields}";
  }

  private static boolean allShort(JsonNode node) {
    for (JsonNode child : node) {
      if (!child.isValueNode()) {
        return false;
      }
    }
    return true;
  }

  private static String summaryText(String text) {
    if (text.length() <= 64) {
      return text.isEmpty() ? "\"\"" : text;
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(text);
      if (new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).contains("BEGIN CERTIFICATE")) {
        var cert = Pem.oneCertificate(bytes, "certificate");
        return "certificate " + ChannelMsp.subject(cert) + " (sha256 " + Sha256.hex(MspSigner.derOf(cert)).substring(0, 16) + ")";
      }
      return bytes.length + " bytes (sha256 " + Sha256.hex(bytes).substring(0, 16) + ")";
    } catch (IllegalArgumentException e) {
      return text.substring(0, 60) + "...";
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "/" + name;
  }

  private static String quote(String s) {
    return s.isEmpty() ? "\"\"" : s;
  }
}
