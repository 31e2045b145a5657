package io.consortium.operator.cli;

import io.consortium.operator.besu.BftGenesis;
import io.consortium.operator.besu.NodeAddress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code besu read-genesis}: what an existing QBFT or IBFT 2.0 genesis.json says. */
@Command(
    name = "read-genesis",
    mixinStandardHelpOptions = true,
    description = {
      "Print what a QBFT or IBFT 2.0 genesis.json says.",
      "Chain ID, protocol, BFT options (Besu's defaults where left out), milestones, and the",
      "validators of its extraData, one a line after 'validators:'."
    })
public final class BesuReadGenesisCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The genesis.json to read.")
  Path file;

  @Override
  public Integer call() throws Exception {
    BftGenesis genesis = BftGenesis.parse(Files.readAllBytes(file));
    PrintWriter out = spec.commandLine().getOut();
    out.println("chainId: " + genesis.chainId());
    out.println("consensus: " + genesis.consensus().genesisKey());
    out.println("blockperiodseconds: " + genesis.blockPeriodSeconds());
    out.println("epochlength: " + genesis.epochLength());
    out.println("requesttimeoutseconds: " + genesis.requestTimeoutSeconds());
    genesis.milestones().forEach((name, at) -> out.println(name + ": " + at));
    out.println("validators:");
    for (NodeAddress v : genesis.validators()) {
      out.println(v);
    }
    out.flush();
    return 0;
  }
}
