package io.consortium.operator.cli;

import io.consortium.operator.fabric.config.MspDirectory;
import io.consortium.operator.fabric.config.OrgDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fabric org-definition}: an org's config group from its public MSP folder (configtxgen -printOrg). */
@Command(name = "org-definition", mixinStandardHelpOptions = true,
    description = "Make an organization's channel config group (MSP value and Readers, Writers, Admins,"
        + " Endorsement policies, as configtxgen does) from its public MSP folder. Private keys are refused.")
public final class FabricOrgDefinitionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--msp-id", required = true, paramLabel = "ID", description = "The org's MSP ID.")
  String mspId;

  @Option(names = "--msp-dir", required = true, paramLabel = "DIR",
      description = "Public MSP folder: cacerts/, intermediatecerts/, admincerts/, tlscacerts/, config.yaml.")
  Path mspDir;

  @Option(names = "--anchor-peer", paramLabel = "HOST:PORT", description = "An anchor peer (repeatable).")
  List<String> anchorPeers = new ArrayList<>();

  @Option(names = "--orderer-org", description = "Make an orderer org (MSP, Endpoints; no Endorsement policy).")
  boolean ordererOrg;

  @Option(names = "--endpoint", paramLabel = "HOST:PORT", description = "An orderer endpoint of an orderer org (repeatable).")
  List<String> endpoints = new ArrayList<>();

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Where to write the org group (JSON if the name ends in .json, else protobuf).")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (ordererOrg && !anchorPeers.isEmpty()) {
      throw new IllegalArgumentException("an orderer org has endpoints, not anchor peers");
    }
    if (!ordererOrg && !endpoints.isEmpty()) {
      throw new IllegalArgumentException("--endpoint is for orderer orgs (add --orderer-org)");
    }
    endpoints.forEach(OrgDefinition.HostPort::parse);
    OrgDefinition org = MspDirectory.read(mspDir, mspId,
        anchorPeers.stream().map(OrgDefinition.HostPort::parse).toList(), endpoints);
    OrgGroupFiles.write(output, ordererOrg ? org.ordererOrgGroup() : org.applicationOrgGroup(), ordererOrg);
    spec.commandLine().getOut().println("wrote " + (ordererOrg ? "orderer" : "application") + " org " + mspId + " to " + output);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
