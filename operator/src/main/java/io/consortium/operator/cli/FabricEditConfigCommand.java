package io.consortium.operator.cli;

import com.google.protobuf.ByteString;
import io.consortium.operator.fabric.config.ChannelMsps;
import io.consortium.operator.fabric.config.ConfigEdits;
import io.consortium.operator.fabric.config.OrgDefinition;
import io.consortium.operator.pki.Pem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.orderer.etcdraft.Consenter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fabric edit-config}: the usual channel config edits, applied to a config and written as
 * the updated config that {@code compute-update} compares with the original.
 */
@Command(name = "edit-config", mixinStandardHelpOptions = true,
    description = "Apply edits to a channel config (add/remove orgs, rotate an MSP, anchor peers,"
        + " consenters, orderer endpoints, batch size and timeout, ImplicitMeta policies) and write the updated config.")
public final class FabricEditConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The current config or config block.")
  Path config;

  @Option(names = "--add-org", paramLabel = "FILE", description = "Add the org of an org definition (an orderer org if it has Endpoints).")
  List<Path> addOrgs = new ArrayList<>();

  @Option(names = "--remove-org", paramLabel = "NAME", description = "Remove an application org.")
  List<String> removeOrgs = new ArrayList<>();

  @Option(names = "--remove-orderer-org", paramLabel = "NAME", description = "Remove an orderer org.")
  List<String> removeOrdererOrgs = new ArrayList<>();

  @Option(names = "--update-msp", paramLabel = "FILE", description = "Replace the MSP of the org with the same MSP ID (certificate rotation).")
  List<Path> updateMsps = new ArrayList<>();

  @Option(names = "--anchor-peers", paramLabel = "ORG=HOST:PORT[,HOST:PORT]", description = "Set an application org's anchor peers (ORG= clears them).")
  List<String> anchorPeers = new ArrayList<>();

  @Option(names = "--add-consenter", paramLabel = "HOST:PORT", description = "Add an etcdraft consenter (needs --consenter-tls-cert).")
  String addConsenter;

  @Option(names = "--consenter-tls-cert", paramLabel = "FILE", description = "The new consenter's TLS certificate (client and server).")
  Path consenterTlsCert;

  @Option(names = "--remove-consenter", paramLabel = "HOST:PORT", description = "Remove an etcdraft consenter.")
  String removeConsenter;

  @Option(names = "--add-endpoint", paramLabel = "ORG=HOST:PORT", description = "Add an orderer endpoint to an orderer org.")
  List<String> addEndpoints = new ArrayList<>();

  @Option(names = "--remove-endpoint", paramLabel = "ORG=HOST:PORT", description = "Remove an orderer endpoint of an orderer org.")
  List<String> removeEndpoints = new ArrayList<>();

  @Option(names = "--batch-max-messages", paramLabel = "N") Integer maxMessages;
  @Option(names = "--batch-absolute-max-bytes", paramLabel = "N") Integer absoluteMaxBytes;
  @Option(names = "--batch-preferred-max-bytes", paramLabel = "N") Integer preferredMaxBytes;

  @Option(names = "--batch-timeout", paramLabel = "DURATION", description = "e.g. 2s or 500ms.")
  String batchTimeout;

  @Option(names = "--policy", paramLabel = "GROUP/NAME=RULE SUBPOLICY",
      description = "Set an ImplicitMeta policy, e.g. 'Application/Admins=MAJORITY Admins'.")
  List<String> policies = new ArrayList<>();

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Where to write the updated config (protobuf; JSON if the name ends in .json).")
  Path output;

  @Override
  public Integer call() throws Exception {
    Config edited = FabricConfigFiles.read(config).config();
    List<String> applied = new ArrayList<>();
    for (Path file : addOrgs) {
      ConfigGroup org = OrgGroupFiles.read(file);
      String name = mspName(org, file);
      boolean orderer = org.getValuesMap().containsKey("Endpoints");
      edited = ConfigEdits.addOrg(edited, orderer ? "Orderer" : "Application", name, org);
      applied.add("added " + (orderer ? "orderer" : "application") + " org " + name);
    }
    for (String name : removeOrgs) {
      edited = ConfigEdits.removeApplicationOrg(edited, name);
      applied.add("removed application org " + name);
    }
    for (String name : removeOrdererOrgs) {
      edited = ConfigEdits.removeOrdererOrg(edited, name);
      applied.add("removed orderer org " + name);
    }
    for (Path file : updateMsps) {
      ConfigGroup org = OrgGroupFiles.read(file);
      String name = mspName(org, file);
      String section = edited.getChannelGroup().getGroupsOrDefault("Application", ConfigGroup.getDefaultInstance())
          .getGroupsMap().containsKey(name) ? "Application" : "Orderer";
      edited = ConfigEdits.edit(edited, List.of(section, name), group -> {
        if (ChannelMsps.mspOf(group) == null) {
          throw new IllegalArgumentException(section + "/" + name + " has no Fabric MSP");
        }
        return group.toBuilder().putValues("MSP", group.getValuesOrThrow("MSP").toBuilder()
            .setValue(org.getValuesOrThrow("MSP").getValue()).build()).build();
      });
      applied.add("replaced the MSP of " + section + "/" + name);
    }
    for (String spec : anchorPeers) {
      String[] kv = keyValue(spec, "--anchor-peers");
      List<OrgDefinition.HostPort> peers = kv[1].isEmpty() ? List.of()
          : Arrays.stream(kv[1].split(",")).map(String::strip).map(OrgDefinition.HostPort::parse).toList();
      edited = ConfigEdits.setAnchorPeers(edited, kv[0], peers);
      applied.add("set anchor peers of " + kv[0] + " to " + (peers.isEmpty() ? "none" : kv[1]));
    }
    if (addConsenter != null) {
      if (consenterTlsCert == null) {
        throw new IllegalArgumentException("--add-consenter needs --consenter-tls-cert");
      }
      OrgDefinition.HostPort hp = OrgDefinition.HostPort.parse(addConsenter);
      ByteString tls = ByteString.copyFrom(Pem.encode(Pem.oneCertificate(Files.readAllBytes(consenterTlsCert), consenterTlsCert.toString())));
      edited = ConfigEdits.addConsenter(edited, Consenter.newBuilder().setHost(hp.host()).setPort(hp.port())
          .setClientTlsCert(tls).setServerTlsCert(tls).build());
      applied.add("added consenter " + hp);
    }
    if (removeConsenter != null) {
      OrgDefinition.HostPort hp = OrgDefinition.HostPort.parse(removeConsenter);
      edited = ConfigEdits.removeConsenter(edited, hp.host(), hp.port());
      applied.add("removed consenter " + hp);
    }
    for (String spec : addEndpoints) {
      String[] kv = keyValue(spec, "--add-endpoint");
      edited = ConfigEdits.addOrdererEndpoint(edited, kv[0], kv[1]);
      applied.add("added endpoint " + kv[1] + " to " + kv[0]);
    }
    for (String spec : removeEndpoints) {
      String[] kv = keyValue(spec, "--remove-endpoint");
      edited = ConfigEdits.removeOrdererEndpoint(edited, kv[0], kv[1]);
      applied.add("removed endpoint " + kv[1] + " from " + kv[0]);
    }
    if (maxMessages != null || absoluteMaxBytes != null || preferredMaxBytes != null) {
      edited = ConfigEdits.setBatchSize(edited, maxMessages, absoluteMaxBytes, preferredMaxBytes);
      applied.add("set batch size");
    }
    if (batchTimeout != null) {
      edited = ConfigEdits.setBatchTimeout(edited, batchTimeout);
      applied.add("set batch timeout to " + batchTimeout);
    }
    for (String spec : policies) {
      String[] kv = keyValue(spec, "--policy");
      int slash = kv[0].lastIndexOf('/');
      String[] rule = kv[1].strip().split("\\s+");
      if (slash <= 0 || rule.length != 2) {
        throw new IllegalArgumentException("--policy '" + spec + "' is not GROUP/NAME=RULE SUBPOLICY");
      }
      ImplicitMetaPolicy.Rule r;
      try {
        r = ImplicitMetaPolicy.Rule.valueOf(rule[0]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--policy rule '" + rule[0] + "' is not ANY, ALL or MAJORITY");
      }
      Policy policy = Policy.newBuilder().setType(Policy.PolicyType.IMPLICIT_META_VALUE)
          .setValue(ImplicitMetaPolicy.newBuilder().setRule(r).setSubPolicy(rule[1]).build().toByteString()).build();
      edited = ConfigEdits.setPolicy(edited, kv[0].substring(0, slash), kv[0].substring(slash + 1), policy, "Admins");
      applied.add("set policy " + kv[0] + " to " + kv[1].strip());
    }
    if (applied.isEmpty()) {
      throw new IllegalArgumentException("no edit given (see --help)");
    }
    FabricConfigFiles.write(output, edited);
    PrintWriter out = spec.commandLine().getOut();
    applied.forEach(out::println);
    out.flush();
    return 0;
  }

  private static String mspName(ConfigGroup org, Path file) {
    FabricMSPConfig msp = ChannelMsps.mspOf(org);
    if (msp == null) {
      throw new IllegalArgumentException(file + " has no Fabric MSP value");
    }
    return msp.getName();
  }

  private static String[] keyValue(String spec, String option) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(option + " '" + spec + "' has no NAME= part");
    }
    return new String[] {spec.substring(0, eq), spec.substring(eq + 1)};
  }
}
