package io.consortium.operator.cli;

import io.consortium.operator.besu.ValidatorVoteClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code besu vote validators}: the validators at the latest block. */
@Command(name = "validators", mixinStandardHelpOptions = true,
    description = "List the validators at the latest block, one a line (qbft_getValidatorsByBlockNumber latest).")
public final class BesuVoteValidatorsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BesuRpcOptions rpc;

  @Override
  public Integer call() {
    try (ValidatorVoteClient client = rpc.client()) {
      client.validatorsAtLatestBlock().forEach(spec.commandLine().getOut()::println);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
