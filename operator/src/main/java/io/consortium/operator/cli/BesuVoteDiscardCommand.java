package io.consortium.operator.cli;

import io.consortium.operator.besu.NodeAddress;
import io.consortium.operator.besu.ValidatorVoteClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code besu vote discard}: qbft_discardValidatorVote on one's own node. */
@Command(name = "discard", mixinStandardHelpOptions = true,
    description = "Withdraw your node's pending vote about ADDR (qbft_discardValidatorVote).")
public final class BesuVoteDiscardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BesuRpcOptions rpc;

  @Parameters(index = "0", paramLabel = "ADDR", description = "The address voted about.")
  String address;

  @Override
  public Integer call() {
    NodeAddress validator = NodeAddress.parse(address);
    try (ValidatorVoteClient client = rpc.client()) {
      client.discard(validator);
    }
    spec.commandLine().getOut().println("discarded: " + validator);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
