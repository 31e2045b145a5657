package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator on its own: the real jar started as a child process ({@link OperatorProcess}) with
 * {@code run --embedded} (its own API server in the same process, as in the README), timed from
 * process start to the first 200 of {@code /readyz}, and its resident memory read from
 * {@code /proc/<pid>/status} once it has settled.
 */
final class IdleFootprint {

  private final OperatorProcess.Launcher launcher;
  private final Duration settle;
  private final int runs;

  private IdleFootprint(OperatorProcess.Launcher launcher, Duration settle, int runs) {
    this.launcher = launcher;
    this.settle = settle;
    this.runs = runs;
  }

  /**
   * Starts {@code jar} when given, else the jar this code was loaded from, else (tests, an IDE)
   * the same classes from this JVM's class path, with {@code jvmOptions} before it.
   */
  static IdleFootprint of(Path jar, List<String> jvmOptions, Duration settle, int runs) {
    return new IdleFootprint(OperatorProcess.Launcher.of(jar, jvmOptions), settle, runs);
  }

  ObjectNode run() throws Exception {
    List<Long> readyMillis = new ArrayList<>();
    List<Long> rssKib = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Sample sample = once();
      readyMillis.add(sample.readyMillis());
      rssKib.add(sample.rssKib());
    }
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    node.put("measured", "the operator as a child process: " + launcher.description() + " run --embedded"
        + " (its own API server in process); start = just before the process is spawned,"
        + " Ready = first HTTP 200 from /readyz (polled every 10 ms); RSS = VmRSS from /proc/<pid>/status "
        + settle.toSeconds() + " s after Ready, with no pairings or shares (the API server held only the CRDs,"
        + " the identity Secret and ConfigMap, the lease)");
    node.put("runs", runs);
    node.put("startToReadyMs", median(readyMillis));
    node.put("idleRssMiB", median(rssKib) / 1024);
    node.put("startToReadyMsRuns", readyMillis.toString());
    node.put("idleRssMiBRuns", rssKib.stream().map(k -> k / 1024).toList().toString());
    return node;
  }

  private record Sample(long readyMillis, long rssKib) {}

  private Sample once() throws Exception {
    try (OperatorProcess operator = OperatorProcess.start(launcher, List.of("run", "--embedded", "--health-port", "0",
        "--mesh-port", "0", "--mesh-bind-address", "127.0.0.1", "--namespace", "bench"))) {
      long readyAt = operator.awaitReady(OperatorProcess.START_LIMIT);
      Thread.sleep(settle.toMillis());
      return new Sample((readyAt - operator.startedAt()) / 1_000_000, operator.rssKib());
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
