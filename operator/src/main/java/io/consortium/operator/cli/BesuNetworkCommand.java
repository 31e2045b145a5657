package io.consortium.operator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.consortium.operator.besu.NetworkDefinition;
import io.consortium.operator.besu.OrganizationNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code besu network}: the network definition NetworkShare carries, as JSON. */
@Command(
    name = "network",
    mixinStandardHelpOptions = true,
    description = {
      "Write the network definition NetworkShare carries.",
      "JSON of the chain ID, the exact genesis bytes (base64), bootnodes, validators and",
      "each organization's enodes."
    })
public final class BesuNetworkCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--genesis", required = true, paramLabel = "FILE", description = "The genesis.json, carried byte for byte.")
  Path genesis;

  @Option(names = "--org", required = true, paramLabel = "NAME=ENODE[,ENODE...]",
      description = "An organization and the enode URLs of its nodes; repeatable.")
  List<String> orgs;

  @Option(names = "--bootnode", paramLabel = "ENODE", description = "A bootnode enode URL; repeatable.")
  List<String> bootnodes;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the JSON.")
  Path output;

  @Override
  public Integer call() throws Exception {
    Map<String, OrganizationNodes> byName = new LinkedHashMap<>();
    for (String org : orgs) {
      int eq = org.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--org '" + org + "' must be NAME=ENODE[,ENODE...]");
      }
      String name = org.substring(0, eq).strip();
      List<String> enodes = new ArrayList<>(Arrays.asList(org.substring(eq + 1).split(",")));
      enodes.removeIf(String::isBlank);
      if (byName.put(name, new OrganizationNodes(name, enodes)) != null) {
        throw new IllegalArgumentException("organization " + name + " is given twice");
      }
    }
    NetworkDefinition definition =
        NetworkDefinition.forNewNetwork(
            Files.readAllBytes(genesis),
            bootnodes == null ? List.of() : bootnodes,
            new ArrayList<>(byName.values()));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output.toFile(), definition);
    spec.commandLine().getOut().println(
        "wrote " + output + ": chain ID " + definition.chainId() + ", " + definition.validators().size()
            + " validators, organizations " + String.join(", ", byName.keySet())
            + ", genesis sha256 " + definition.genesisSha256());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
