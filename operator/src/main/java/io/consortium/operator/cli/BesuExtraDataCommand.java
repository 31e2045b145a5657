package io.consortium.operator.cli;

import io.consortium.operator.besu.BftConsensus;
import io.consortium.operator.besu.BftExtraData;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code besu extra-data}: genesis extraData for a validator set. */
@Command(
    name = "extra-data",
    mixinStandardHelpOptions = true,
    description = {
      "Print the genesis extraData for a validator set.",
      "The 0x hex is what 'besu rlp encode --type=QBFT_EXTRA_DATA' (or IBFT_EXTRA_DATA) writes.",
      "Validators are sorted ascending so every organization gets the same bytes;",
      "--keep-order encodes them in the order given, as Besu's tool does."
    })
public final class BesuExtraDataCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = false, multiplicity = "1")
  BesuValidatorSource validators;

  @Option(names = "--consensus", defaultValue = "qbft", paramLabel = "qbft|ibft2",
      description = "Protocol whose encoding to use. Default: ${DEFAULT-VALUE}.")
  String consensus;

  @Option(names = "--keep-order", description = "Encode the validators in the order given instead of sorted.")
  boolean keepOrder;

  @Override
  public Integer call() {
    BftConsensus protocol = BftConsensus.parse(consensus);
    BftExtraData data =
        keepOrder
            ? BftExtraData.forGenesisInGivenOrder(validators.addresses())
            : BftExtraData.forGenesis(validators.addresses());
    spec.commandLine().getOut().println(data.toHex(protocol));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
