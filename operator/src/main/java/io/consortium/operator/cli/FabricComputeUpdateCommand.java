package io.consortium.operator.cli;

import io.consortium.operator.fabric.config.ConfigChanges;
import io.consortium.operator.fabric.config.ConfigUpdates;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fabric compute-update}: the ConfigUpdate between two configs, as configtxlator computes it. */
@Command(name = "compute-update", mixinStandardHelpOptions = true,
    description = "Compute the ConfigUpdate from an original to an updated config (each a config or"
        + " config block, protobuf or JSON), write it, and print what it changes.")
public final class FabricComputeUpdateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--original", required = true, paramLabel = "FILE", description = "The channel's current config or config block.")
  Path original;

  @Option(names = "--updated", required = true, paramLabel = "FILE", description = "The edited config.")
  Path updated;

  @Option(names = "--channel", required = true, paramLabel = "ID", description = "The channel ID.")
  String channel;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Where to write the ConfigUpdate (protobuf; JSON if the name ends in .json).")
  Path output;

  @Override
  public Integer call() throws Exception {
    Config before = FabricConfigFiles.read(original).config();
    Config after = FabricConfigFiles.read(updated).config();
    ConfigUpdate update = ConfigUpdates.compute(before, after, channel);
    FabricConfigFiles.write(output, update);
    PrintWriter out = spec.commandLine().getOut();
    ConfigChanges.describe(before, update).forEach(out::println);
    out.flush();
    return 0;
  }
}
