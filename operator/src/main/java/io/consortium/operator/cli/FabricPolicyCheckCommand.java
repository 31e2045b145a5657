package io.consortium.operator.cli;

import io.consortium.operator.fabric.config.UpdatePolicyCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fabric policy-check}: would the orderer accept this update with these signatures? */
@Command(name = "policy-check", mixinStandardHelpOptions = true,
    description = "Evaluate, as the orderer would, the mod_policy of every element the update changes"
        + " against its valid signatures. Exit 0 only when satisfied; otherwise print what is missing.")
public final class FabricPolicyCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "BLOCK", description = "The channel's current config block or config.")
  Path config;

  @Parameters(index = "0", paramLabel = "UPDATE", description = "ConfigUpdateEnvelope or CONFIG_UPDATE envelope with signatures.")
  Path update;

  @Override
  public Integer call() throws Exception {
    var channel = FabricConfigFiles.read(config);
    var envelope = FabricConfigFiles.read(update).updateEnvelope();
    UpdatePolicyCheck check = UpdatePolicyCheck.check(channel.config(), channel.channelId(), envelope);
    PrintWriter out = spec.commandLine().getOut();
    check.lines().forEach(out::println);
    out.flush();
    return check.satisfied() ? 0 : 1;
  }
}
