package io.consortium.operator.cli;

import picocli.CommandLine.Command;

/**
 * Offline Besu tools over the same domain code the controllers use, named after the Besu
 * commands their users know. Each subcommand lives in its own class next to this one.
 */
@Command(
    name = "besu",
    mixinStandardHelpOptions = true,
    description = "Offline Besu tools: node addresses and enodes, QBFT extra data and genesis, validator votes.",
    subcommands = {})
public final class BesuCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
