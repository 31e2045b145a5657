package io.consortium.operator.cli;

import io.consortium.operator.besu.ValidatorChange;
import io.consortium.operator.besu.ValidatorVoteClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code besu vote pending}: qbft_getPendingVotes of one's own node. */
@Command(name = "pending", mixinStandardHelpOptions = true,
    description = "List your node's own pending votes, one 'add ADDR' or 'remove ADDR' a line (qbft_getPendingVotes).")
public final class BesuVotePendingCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BesuRpcOptions rpc;

  @Override
  public Integer call() {
    try (ValidatorVoteClient client = rpc.client()) {
      client.pendingVotes().forEach((address, kind) ->
          spec.commandLine().getOut().println(new ValidatorChange(address, kind)));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
