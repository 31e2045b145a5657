package io.consortium.operator.cli;

import picocli.CommandLine.Command;

/**
 * Offline Fabric tools over the same domain code the controllers use, named after the Fabric
 * commands their users know. Each subcommand lives in its own class next to this one.
 */
@Command(
    name = "fabric",
    mixinStandardHelpOptions = true,
    description = "Offline Fabric tools: chaincode package IDs, CCaaS packages, channel config updates, signatures, policies.",
    subcommands = {
      FabricPackageIdCommand.class,
      FabricCcaasPackageCommand.class,
      FabricInspectCommand.class,
      FabricOrgDefinitionCommand.class,
      FabricEditConfigCommand.class,
      FabricComputeUpdateCommand.class,
      FabricSignCommand.class,
      FabricVerifySignaturesCommand.class,
      FabricPolicyCheckCommand.class
    })
public final class FabricCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
