package io.consortium.operator.cli;

import io.consortium.operator.bench.Benchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consortium-operator bench}: DESIGN.md's performance figures, measured on this machine. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the operator on this machine: three organizations, each an embedded API server and an operator,",
      "paired over TLS on loopback. Share propagation and decision latency, API requests per share, a burst,",
      "a large payload over a link against plain TLS, and the idle operator's memory and start time.",
      "Prints a table and writes every figure to a JSON file. Not a test: figures vary with the machine's load."
    })
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--shares", defaultValue = "500", description = "KeyShares sent one at a time. Default: ${DEFAULT-VALUE}.")
  int shares;

  @Option(names = "--warmup", defaultValue = "200",
      description = "Shares sent (and decided) before the timed ones, for the JIT; not counted. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--burst", defaultValue = "1000",
      description = "KeyShares created at once, each for two peers. Default: ${DEFAULT-VALUE}.")
  int burst;

  @Option(names = "--payload", defaultValue = "256MiB", converter = ByteSizeConverter.class,
      description = "Size of the payload sent over a link. Default: ${DEFAULT-VALUE}.")
  long payload;

  @Option(names = "--payload-rounds", defaultValue = "3",
      description = "Times the payload goes over the link and over plain TLS (medians). Default: ${DEFAULT-VALUE}.")
  int payloadRounds;

  @Option(names = "--frame-limit", defaultValue = "1Mi", converter = ByteSizeConverter.class,
      description = "The link's frame limit for the payload (as run --frame-limit). Default: ${DEFAULT-VALUE}.")
  long frameLimit;

  @Option(names = "--idle-runs", defaultValue = "3",
      description = "Starts of the operator for its start time and idle memory (medians). Default: ${DEFAULT-VALUE}.")
  int idleRuns;

  @Option(names = "--settle", defaultValue = "10",
      description = "Seconds the started operator is left idle before its memory is read. Default: ${DEFAULT-VALUE}.")
  int settleSeconds;

  @Option(names = "--jar", description = "The jar to start for the idle figures. Default: the jar running this command.")
  Path jar;

  @Option(names = "--workdir", defaultValue = "target/bench/work",
      description = "Kubeconfigs and the payload's temporary files. Default: ${DEFAULT-VALUE}.")
  Path workdir;

  @Option(names = "--out", defaultValue = "target/bench/results.json",
      description = "Where the results are written. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (shares < 1 || burst < 1 || payloadRounds < 1 || idleRuns < 1 || warmup < 0 || settleSeconds < 0) {
      throw new IllegalArgumentException("--shares, --burst, --payload-rounds and --idle-runs must be at least 1,"
          + " --warmup and --settle at least 0");
    }
    if (payload < 1) {
      throw new IllegalArgumentException("--payload must be at least 1 byte");
    }
    if (frameLimit < 16 * 1024) {
      throw new IllegalArgumentException("--frame-limit must be at least 16Ki");
    }
    new Benchmark(new Benchmark.Options(shares, warmup, burst, payload, payloadRounds, frameLimit, idleRuns,
        Duration.ofSeconds(settleSeconds), jar, workdir, out), System.out).run();
    return 0;
  }
}
