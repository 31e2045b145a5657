package io.consortium.operator.cli;

import io.consortium.operator.besu.BftConsensus;
import io.consortium.operator.besu.BftExtraData;
import io.consortium.operator.besu.NodeAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code besu decode-extra-data}: the validators named in an extraData. */
@Command(
    name = "decode-extra-data",
    mixinStandardHelpOptions = true,
    description = "Print the validators of a QBFT (or IBFT 2.0) extraData, one a line, in the order encoded.")
public final class BesuDecodeExtraDataCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HEX", description = "The extraData, 0x optional.")
  String hex;

  @Option(names = "--consensus", defaultValue = "qbft", paramLabel = "qbft|ibft2",
      description = "Protocol whose encoding to read. Default: ${DEFAULT-VALUE}.")
  String consensus;

  @Override
  public Integer call() {
    BftExtraData data = BftExtraData.decodeHex(BftConsensus.parse(consensus), hex);
    for (NodeAddress v : data.validators()) {
      spec.commandLine().getOut().println(v);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
