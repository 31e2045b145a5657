package io.consortium.operator.cli;

import io.consortium.operator.fabric.config.ConfigJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fabric inspect FILE}: any config file to the JSON of {@code configtxlator proto_decode}. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print a config block, envelope, config, config update envelope or config update"
        + " (protobuf or JSON) as configtxlator-style JSON, or convert it with -o.")
public final class FabricInspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The file to decode.")
  Path file;

  @picocli.CommandLine.Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the same message to this file instead (protobuf; JSON if the name ends in .json),"
          + " as configtxlator proto_encode / proto_decode.")
  Path output;

  @Override
  public Integer call() throws Exception {
    var document = FabricConfigFiles.read(file);
    if (output != null) {
      FabricConfigFiles.write(output, document.message());
      spec.commandLine().getOut().println("wrote " + document.kind().name().toLowerCase().replace('_', ' ') + " to " + output);
    } else {
      spec.commandLine().getOut().println(ConfigJson.toJson(document.message()));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
