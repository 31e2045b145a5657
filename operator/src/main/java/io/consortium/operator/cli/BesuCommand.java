package io.consortium.operator.cli;

import picocli.CommandLine.Command;

/**
 * Offline Besu tools over the same domain code the controllers use, named after the Besu
 * commands their users know. Each subcommand lives in its own class next to this one.
 */
@Command(
    name = "besu",
    mixinStandardHelpOptions = true,
    description = "Besu tools: node addresses and enodes, QBFT extraData and genesis, network definitions, validator votes (all offline except 'vote').",
    subcommands = {
      BesuAddressCommand.class,
      BesuEnodeCommand.class,
      BesuExtraDataCommand.class,
      BesuDecodeExtraDataCommand.class,
      BesuGenesisCommand.class,
      BesuReadGenesisCommand.class,
      BesuNetworkCommand.class,
      BesuNodeFilesCommand.class,
      BesuVoteStatusCommand.class,
      BesuVoteCommand.class
    })
public final class BesuCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
