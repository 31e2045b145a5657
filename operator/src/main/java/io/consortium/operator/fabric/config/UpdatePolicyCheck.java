package io.consortium.operator.fabric.config;

import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.ConfigValue;

/**
 * What the orderer checks before it accepts a config update (fabric common/configtx/update.go):
 * the read set's versions equal the channel's; every element the write set changes is at the
 * current version + 1 (new ones at 0), and the policy named by the existing element's mod_policy,
 * resolved relative to its group, is satisfied by the update's valid signatures.
 */
public record UpdatePolicyCheck(List<SignatureCheck> signatures, List<Item> items, List<String> problems) {

  /** One changed element and the verdict of its modification policy. */
  public record Item(String element, String policy, PolicyEvaluator.Outcome outcome) {
    public String line() {
      return element + ": " + policy + (outcome.satisfied() ? " satisfied" : " not satisfied: " + outcome.missing());
    }
  }

  public boolean satisfied() {
    return problems.isEmpty() && items.stream().allMatch(i -> i.outcome().satisfied());
  }

  /** The lines a person reads: signatures, each changed element, version problems, verdict. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    signatures.forEach(s -> out.add("signature " + s.line()));
    items.forEach(i -> out.add(i.line()));
    out.addAll(problems);
    out.add(satisfied() ? "satisfied" : "not satisfied");
    return out;
  }

  public static UpdatePolicyCheck check(Config current, ConfigUpdateEnvelope envelope) {
    return check(current, null, envelope);
  }

  /** As {@link #check(Config, ConfigUpdateEnvelope)}, also refusing an update for another channel. */
  public static UpdatePolicyCheck check(Config current, String channelId, ConfigUpdateEnvelope envelope) {
    ConfigUpdate update = ConfigDocument.parse(ConfigUpdate.parser(), envelope.getConfigUpdate(), "config update");
    PolicyEvaluator evaluator = new PolicyEvaluator(current);
    List<SignatureCheck> checks = new ArrayList<>();
    List<PolicyEvaluator.Signer> signers = new ArrayList<>();
    for (var signature : envelope.getSignaturesList()) {
      // A signature that fails is not counted; a valid non-admin still counts for member roles.
      SignatureCheck check = SignatureCheck.of(signature, envelope.getConfigUpdate(), evaluator.msps(), false);
      checks.add(check);
      if (check.valid()) {
        signers.add(new PolicyEvaluator.Signer(check.mspId(), check.certificate()));
      }
    }
    List<Item> items = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (channelId != null && !channelId.equals(update.getChannelId())) {
      problems.add("the update is for channel '" + update.getChannelId() + "' but the config is of channel '" + channelId + "'");
    }
    if (!update.hasWriteSet()) {
      problems.add("the update has no write set");
      return new UpdatePolicyCheck(checks, items, problems);
    }
    readSet(List.of(), update.getReadSet(), current.getChannelGroup(), problems);
    writeSet(List.of(), update.getWriteSet(), update.hasReadSet() ? update.getReadSet() : null,
        current.getChannelGroup(), evaluator, signers, items, problems);
    if (items.isEmpty() && problems.isEmpty()) {
      problems.add("the update changes nothing (empty delta set)");
    }
    return new UpdatePolicyCheck(checks, items, problems);
  }

  private static void readSet(List<String> path, ConfigGroup read, ConfigGroup current, List<String> problems) {
    if (current == null) {
      problems.add("read set names group " + name(path) + " which the channel does not have");
      return;
    }
    if (read.getVersion() != current.getVersion()) {
      problems.add("read set has group " + name(path) + " at version " + read.getVersion() + " but the channel has version " + current.getVersion());
    }
    read.getValuesMap().forEach((k, v) -> {
      ConfigValue c = current.getValuesMap().get(k);
      if (c == null || c.getVersion() != v.getVersion()) {
        problems.add("read set has value " + name(path, k) + " at version " + v.getVersion()
            + (c == null ? " which the channel does not have" : " but the channel has version " + c.getVersion()));
      }
    });
    read.getPoliciesMap().forEach((k, v) -> {
      ConfigPolicy c = current.getPoliciesMap().get(k);
      if (c == null || c.getVersion() != v.getVersion()) {
        problems.add("read set has policy " + name(path, k) + " at version " + v.getVersion()
            + (c == null ? " which the channel does not have" : " but the channel has version " + c.getVersion()));
      }
    });
    read.getGroupsMap().forEach((k, v) -> readSet(append(path, k), v, current.getGroupsMap().get(k), problems));
  }

  private static void writeSet(List<String> path, ConfigGroup write, ConfigGroup read, ConfigGroup current,
      PolicyEvaluator evaluator, List<PolicyEvaluator.Signer> signers, List<Item> items, List<String> problems) {
    boolean inDelta = read == null || read.getVersion() != write.getVersion();
    if (inDelta) {
      // A group is governed by its own mod_policy, resolved inside the group itself.
      element("group " + name(path), write.getVersion(), write.getModPolicy(),
          current == null ? null : current.getVersion(), current == null ? null : current.getModPolicy(),
          path, evaluator, signers, items, problems);
    }
    List<String> parent = path;
    write.getValuesMap().forEach((k, v) -> {
      ConfigValue r = read == null ? null : read.getValuesMap().get(k);
      if (r != null && r.getVersion() == v.getVersion()) {
        return;
      }
      ConfigValue c = current == null ? null : current.getValuesMap().get(k);
      element("value " + name(parent, k), v.getVersion(), v.getModPolicy(), c == null ? null : c.getVersion(),
          c == null ? null : c.getModPolicy(), parent, evaluator, signers, items, problems);
    });
    write.getPoliciesMap().forEach((k, v) -> {
      ConfigPolicy r = read == null ? null : read.getPoliciesMap().get(k);
      if (r != null && r.getVersion() == v.getVersion()) {
        return;
      }
      ConfigPolicy c = current == null ? null : current.getPoliciesMap().get(k);
      element("policy " + name(parent, k), v.getVersion(), v.getModPolicy(), c == null ? null : c.getVersion(),
          c == null ? null : c.getModPolicy(), parent, evaluator, signers, items, problems);
    });
    write.getGroupsMap().forEach((k, v) -> writeSet(append(path, k), v,
        read == null ? null : read.getGroupsMap().get(k),
        current == null ? null : current.getGroupsMap().get(k), evaluator, signers, items, problems));
  }

  private static void element(String what, long version, String newModPolicy, Long currentVersion, String currentModPolicy,
      List<String> policyGroup, PolicyEvaluator evaluator, List<PolicyEvaluator.Signer> signers,
      List<Item> items, List<String> problems) {
    if (newModPolicy.isEmpty()) {
      problems.add(what + " has an empty mod_policy");
    }
    if (currentVersion == null) {
      if (version != 0) {
        problems.add(what + " is new but written at version " + version + " (new elements start at 0)");
      }
      return; // new elements are authorised by their parent group's change
    }
    if (version != currentVersion + 1) {
      problems.add(what + " is written at version " + version + " but the channel has version " + currentVersion
          + " (expected " + (currentVersion + 1) + ")");
    }
    if (currentModPolicy.isEmpty()) {
      problems.add(what + " has no mod_policy in the channel; it cannot be modified");
      return;
    }
    String policy = PolicyEvaluator.absolute(policyGroup, currentModPolicy);
    items.add(new Item(what, policy, evaluator.evaluate(policyGroup, currentModPolicy, signers)));
  }

  private static List<String> append(List<String> path, String name) {
    List<String> out = new ArrayList<>(path);
    out.add(name);
    return out;
  }

  private static String name(List<String> path) {
    return path.isEmpty() ? "Channel" : String.join("/", path);
  }

  private static String name(List<String> path, String key) {
    return path.isEmpty() ? key : String.join("/", path) + "/" + key;
  }
}
