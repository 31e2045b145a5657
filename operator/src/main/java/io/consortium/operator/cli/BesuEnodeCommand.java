package io.consortium.operator.cli;

import io.consortium.operator.besu.EnodeUrl;
import io.consortium.operator.besu.NodeIdentity;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code besu enode}: the enode URL a node advertises, or a check of a given one. */
@Command(
    name = "enode",
    mixinStandardHelpOptions = true,
    description = {
      "Print a node's enode URL, or check one.",
      "With a key, --host and --port: the URL the node advertises. With --check: the URL as",
      "Besu writes it and the node's address, or the reason it is malformed."
    })
public final class BesuEnodeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  static final class Mode {
    @ArgGroup(exclusive = false)
    Render render;

    @Option(names = "--check", paramLabel = "ENODE", description = "An enode URL to validate.")
    String check;
  }

  static final class Render {
    @ArgGroup(exclusive = false, multiplicity = "1")
    BesuKeySource key;

    @Option(names = "--host", required = true, description = "IP address or DNS name the node is reached at.")
    String host;

    @Option(names = "--port", required = true, description = "The node's P2P (RLPx) port.")
    int port;

    @Option(names = "--discovery-port", description = "UDP discovery port, when it differs from --port.")
    Integer discoveryPort;
  }

  @Override
  public Integer call() throws Exception {
    if (mode.check != null) {
      EnodeUrl url = EnodeUrl.parse(mode.check);
      spec.commandLine().getOut().println(url);
      spec.commandLine().getOut().println(url.address());
    } else {
      NodeIdentity node = mode.render.key.identity();
      spec.commandLine().getOut().println(
          new EnodeUrl(node.enodeId(), mode.render.host, mode.render.port, mode.render.discoveryPort));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
