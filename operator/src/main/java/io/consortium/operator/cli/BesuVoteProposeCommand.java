package io.consortium.operator.cli;

import io.consortium.operator.besu.ValidatorChange;
import io.consortium.operator.besu.ValidatorVoteClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code besu vote propose}: qbft_proposeValidatorVote on one's own node. */
@Command(name = "propose", mixinStandardHelpOptions = true,
    description = "Ask your node to vote add:ADDR or remove:ADDR in the blocks it proposes (qbft_proposeValidatorVote).")
public final class BesuVoteProposeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BesuRpcOptions rpc;

  @Parameters(index = "0", paramLabel = "add:ADDR|remove:ADDR", description = "The change to vote for.")
  String change;

  @Override
  public Integer call() {
    ValidatorChange wanted = ValidatorChange.parse(change);
    try (ValidatorVoteClient client = rpc.client()) {
      client.propose(wanted);
    }
    spec.commandLine().getOut().println("proposed: " + wanted);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
