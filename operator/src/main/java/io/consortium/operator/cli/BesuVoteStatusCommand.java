package io.consortium.operator.cli;

import io.consortium.operator.besu.NodeAddress;
import io.consortium.operator.besu.ValidatorChange;
import io.consortium.operator.besu.VoteStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code besu vote-status}: where a validator change stands, computed offline. */
@Command(
    name = "vote-status",
    mixinStandardHelpOptions = true,
    description = {
      "Say where a validator change stands.",
      "Applied, pending (votes cast of those needed: more than half of the current",
      "validators) or cannot apply."
    })
public final class BesuVoteStatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--before", required = true, split = ",", paramLabel = "ADDR",
      description = "Validators when the change was asked for.")
  List<String> before;

  @Option(names = "--change", required = true, paramLabel = "add:ADDR|remove:ADDR", description = "The wanted change.")
  String change;

  @Option(names = "--current", required = true, split = ",", paramLabel = "ADDR",
      description = "Validators now (qbft_getValidatorsByBlockNumber latest).")
  List<String> current;

  @Option(names = "--voted", split = ",", paramLabel = "ADDR",
      description = "Validators known to have the vote pending on their node (qbft_getPendingVotes).")
  List<String> voted;

  @Override
  public Integer call() {
    VoteStatus status =
        VoteStatus.of(addresses(before), ValidatorChange.parse(change), addresses(current), addresses(voted));
    spec.commandLine().getOut().println(status.describe());
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static List<NodeAddress> addresses(List<String> texts) {
    List<NodeAddress> out = new ArrayList<>();
    for (String t : texts == null ? List.<String>of() : texts) {
      out.add(NodeAddress.parse(t));
    }
    return out;
  }
}
