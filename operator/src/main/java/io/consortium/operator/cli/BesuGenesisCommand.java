package io.consortium.operator.cli;

import io.consortium.operator.besu.BftGenesis;
import io.consortium.operator.pki.Sha256;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code besu genesis}: a QBFT genesis.json that every organization renders identically. */
@Command(
    name = "genesis",
    mixinStandardHelpOptions = true,
    description = {
      "Write a QBFT genesis.json.",
      "The same inputs give the same bytes (so the same genesis hash) in every organization;",
      "the SHA-256 printed lets organizations compare."
    })
public final class BesuGenesisCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--chain-id", required = true, paramLabel = "N", description = "The network's chain ID.")
  long chainId;

  @ArgGroup(exclusive = false, multiplicity = "1")
  BesuValidatorSource validators;

  @Option(names = "--block-period", defaultValue = "" + BftGenesis.DEFAULT_BLOCK_PERIOD_SECONDS, paramLabel = "S",
      description = "Seconds between blocks (qbft.blockperiodseconds). Default: ${DEFAULT-VALUE}.")
  int blockPeriod;

  @Option(names = "--epoch-length", defaultValue = "" + BftGenesis.DEFAULT_EPOCH_LENGTH, paramLabel = "N",
      description = "Blocks after which pending votes are reset (qbft.epochlength). Default: ${DEFAULT-VALUE}.")
  long epochLength;

  @Option(names = "--request-timeout", defaultValue = "" + BftGenesis.DEFAULT_REQUEST_TIMEOUT_SECONDS, paramLabel = "S",
      description = "Round timeout in seconds (qbft.requesttimeoutseconds). Default: ${DEFAULT-VALUE}.")
  int requestTimeout;

  @Option(names = "--milestone", paramLabel = "NAME=N",
      description = "A fork milestone, e.g. londonBlock=0 or shanghaiTime=0; repeatable. Default: berlinBlock=0.")
  Map<String, Long> milestones;

  @Option(names = "--gas-limit", paramLabel = "N",
      description = "Block gas limit, decimal or 0x hex. Default: 0x1fffffffffffff.")
  String gasLimit;

  @Option(names = "--alloc", paramLabel = "FILE",
      description = "JSON object of pre-funded accounts: address to {\"balance\": ...}.")
  Path alloc;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write genesis.json.")
  Path output;

  @Option(names = "--force", description = "Replace the output file if it exists.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    List<io.consortium.operator.besu.NodeAddress> addresses = validators.addresses();
    BftGenesis genesis =
        BftGenesis.qbft(chainId, addresses).withTiming(blockPeriod, epochLength, requestTimeout);
    if (milestones != null && !milestones.isEmpty()) {
      genesis = genesis.withMilestones(new LinkedHashMap<>(milestones));
    }
    if (gasLimit != null) {
      genesis = genesis.withGasLimit(parseQuantity(gasLimit));
    }
    if (alloc != null) {
      genesis = genesis.withAlloc(BftGenesis.parseAlloc(Files.readAllBytes(alloc)));
    }
    if (Files.exists(output) && !force) {
      throw new IllegalArgumentException("output file exists: " + output + " (use --force to replace it)");
    }
    byte[] bytes = genesis.render();
    Files.write(output, bytes);
    String sha = Sha256.hex(bytes);
    spec.commandLine().getOut().println(
        "wrote " + output + ": chain ID " + chainId + ", " + genesis.validators().size()
            + " validators, sha256 " + sha);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static BigInteger parseQuantity(String text) {
    String s = text.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      return s.startsWith("0x") ? new BigInteger(s.substring(2), 16) : new BigInteger(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("gas limit '" + text + "' is not a number");
    }
  }
}
