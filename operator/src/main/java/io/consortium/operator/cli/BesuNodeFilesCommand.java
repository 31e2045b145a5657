package io.consortium.operator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consortium.operator.besu.NetworkDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code besu node-files}: what a receiving organization's nodes consume. */
@Command(
    name = "node-files",
    mixinStandardHelpOptions = true,
    description = {
      "Write one organization's node files from a network definition.",
      "genesis.json (the exact bytes), static-nodes.json (the other organizations' nodes) and",
      "permissions_config.toml (nodes-allowlist)."
    })
public final class BesuNodeFilesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--network", required = true, paramLabel = "FILE", description = "The network definition JSON.")
  Path network;

  @Option(names = "--org", required = true, paramLabel = "NAME", description = "The organization whose nodes get the files.")
  String org;

  @Option(names = {"-o", "--output-dir"}, required = true, paramLabel = "DIR", description = "Directory to write into.")
  Path outputDir;

  @Override
  public Integer call() throws Exception {
    NetworkDefinition definition;
    try {
      definition = new ObjectMapper().readValue(network.toFile(), NetworkDefinition.class);
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      throw new IllegalArgumentException(
          "network definition " + network + " is refused: "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("network definition " + network + " is not valid JSON: " + e.getOriginalMessage());
    }
    byte[] staticNodes = definition.staticNodesFor(org);
    byte[] permissions = definition.permissionsConfigFor(org);
    Files.createDirectories(outputDir);
    Files.write(outputDir.resolve("genesis.json"), definition.genesisBytes());
    Files.write(outputDir.resolve("static-nodes.json"), staticNodes);
    Files.write(outputDir.resolve("permissions_config.toml"), permissions);
    spec.commandLine().getOut().println(
        "wrote genesis.json, static-nodes.json, permissions_config.toml to " + outputDir
            + " for " + org + " (genesis sha256 " + definition.genesisSha256() + ")");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
