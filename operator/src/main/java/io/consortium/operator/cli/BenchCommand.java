package io.consortium.operator.cli;

import io.consortium.operator.bench.Benchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
      "each against the floor measured in the same run (the bare pipeline of a share: the same API servers,",
      "informers, the same TLS link and signed envelopes, exactly 3 writes); a large payload over a link against",
      "plain TLS; the idle operator's memory and start time; and one operator alone holding many pairings and",
      "pending shares (memory, heap, idle CPU, latency of a new share).",
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

  @Option(names = "--operator-jvm-options", defaultValue = "",
      description = "JVM options for the operators the bench starts as child processes (idle and scale), split at"
          + " spaces, e.g. \"-XX:+UseSerialGC -Xmx128m\". Default: none (JVM defaults).")
  String operatorJvmOptions;

  @Option(names = "--skip", split = ",", paramLabel = "PART",
      description = "Parts to leave out: ${COMPLETION-CANDIDATES} (floor: the operators' figures without their"
          + " ratios to the floor). Default: none.")
  Set<Benchmark.Part> skip = EnumSet.noneOf(Benchmark.Part.class);

  @Option(names = "--scale-pairings", defaultValue = "100",
      description = "Scale part: pairings the one operator holds, each redeemed by a light peer. Default: ${DEFAULT-VALUE}.")
  int scalePairings;

  @Option(names = "--scale-shares", defaultValue = "10000",
      description = "Scale part: pending KeyShares it holds at the end, spread over the pairings; measured at 0,"
          + " 1000 (when fewer than this) and this many. Default: ${DEFAULT-VALUE}.")
  int scaleShares;

  @Option(names = "--scale-samples", defaultValue = "20",
      description = "Scale part: new shares timed one at a time at each stage. Default: ${DEFAULT-VALUE}.")
  int scaleSamples;

  @Option(names = "--scale-idle", defaultValue = "30s", converter = DurationConverter.class,
      description = "Scale part: the idle window over which the operator's CPU time is read at each stage."
          + " Default: ${DEFAULT-VALUE}.")
  Duration scaleIdle;

  @Option(names = "--scale-creators", defaultValue = "8",
      description = "Scale part: concurrent clients creating the held shares. Default: ${DEFAULT-VALUE}.")
  int scaleCreators;

  @Option(names = "--scale-deadline", defaultValue = "30m", converter = DurationConverter.class,
      description = "Scale part: how long the shares may take to be all Delivered; past it the stage is reported"
          + " incomplete and the part ends. Default: ${DEFAULT-VALUE}.")
  Duration scaleDeadline;

  @Override
  public Integer call() throws Exception {
    if (shares < 1 || burst < 1 || payloadRounds < 1 || idleRuns < 1 || warmup < 0 || settleSeconds < 0) {
      throw new IllegalArgumentException("--shares, --burst, --payload-rounds and --idle-runs must be at least 1,"
          + " --warmup and --settle at least 0");
    }
    if (scalePairings < 1 || scaleSamples < 1 || scaleCreators < 1 || scaleShares < 0) {
      throw new IllegalArgumentException("--scale-pairings, --scale-samples and --scale-creators must be at least 1,"
          + " --scale-shares at least 0");
    }
    if (scaleIdle.isNegative() || scaleIdle.isZero() || scaleDeadline.isNegative() || scaleDeadline.isZero()) {
      throw new IllegalArgumentException("--scale-idle and --scale-deadline must be longer than 0");
    }
    if (payload < 1) {
      throw new IllegalArgumentException("--payload must be at least 1 byte");
    }
    if (frameLimit < 16 * 1024) {
      throw new IllegalArgumentException("--frame-limit must be at least 16Ki");
    }
    List<String> jvmOptions = operatorJvmOptions.isBlank() ? List.of() : List.of(operatorJvmOptions.strip().split("\\s+"));
    new Benchmark(new Benchmark.Options(shares, warmup, burst, payload, payloadRounds, frameLimit, idleRuns,
        Duration.ofSeconds(settleSeconds), jar, workdir, out, jvmOptions, skip, scalePairings, scaleShares,
        scaleSamples, scaleIdle, scaleCreators, scaleDeadline), System.out).run();
    return 0;
  }
}
