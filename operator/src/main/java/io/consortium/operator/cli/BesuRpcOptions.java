package io.consortium.operator.cli;

import io.consortium.operator.besu.ValidatorVoteClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the node's JSON-RPC listens. */
final class BesuRpcOptions {

  @Option(names = "--rpc-url", required = true, paramLabel = "URL",
      description = "The node's HTTP JSON-RPC endpoint, e.g. http://127.0.0.1:8545.")
  String rpcUrl;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "S",
      description = "Seconds to wait for the node. Default: ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  ValidatorVoteClient client() {
    try {
      return ValidatorVoteClient.connect(new URI(rpcUrl), Duration.ofSeconds(timeoutSeconds));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("JSON-RPC URL '" + rpcUrl + "' is not a URL");
    }
  }
}
