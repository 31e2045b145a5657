package io.consortium.operator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code besu vote ...}: validator votes through this organization's own Besu node. */
@Command(
    name = "vote",
    mixinStandardHelpOptions = true,
    description = "Validator votes through your own validator node's JSON-RPC (QBFT API enabled).",
    subcommands = {
      BesuVoteProposeCommand.class,
      BesuVoteDiscardCommand.class,
      BesuVotePendingCommand.class,
      BesuVoteValidatorsCommand.class
    })
public final class BesuVoteCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
