package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.demo.DemoConsortium;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.api.ByteSize;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The benchmark of DESIGN.md's "Performance targets": three organizations, each an embedded API
 * server and an operator, paired over TLS on loopback; shares timed one at a time and in a burst;
 * the same figures, in the same run, of the floor ({@link FloorPipeline}: the bare pipeline of a
 * share on the same parts) and each figure's ratio to it; a large payload over a link against plain
 * TLS; the operator alone at rest; one operator holding many pairings and pending shares
 * ({@link ScaleFootprint}). Prints a table and writes every figure, with what it measured, its sample
 * count and the API servers' object counts, to a JSON file.
 */
public final class Benchmark {

  /** The parts a run can leave out ({@code bench --skip}). */
  public enum Part { floor, sequential, burst, payload, idle, scale }

  /** What to run; see {@code consortium-operator bench --help}. */
  public record Options(int shares, int warmup, int burst, long payload, int payloadRounds, long frameLimit,
      int idleRuns, Duration settle, Path jar, Path workdir, Path out, List<String> operatorJvmOptions,
      Set<Part> skip, int scalePairings, int scaleShares, int scaleSamples, Duration scaleIdle, int scaleCreators,
      Duration scaleDeadline) {

    ScaleFootprint.Options scale() {
      return new ScaleFootprint.Options(scalePairings, scaleShares, scaleSamples, scaleIdle, scaleCreators,
          scaleDeadline);
    }
  }

  /** Concurrent creating clients in the burst, for the operators and the floor alike. */
  static final int BURST_CREATORS = 8;

  private final Options options;
  private final PrintStream out;
  /** Parts that failed, with why: a failed part is reported, and the others still run. */
  private ObjectNode failed;

  public Benchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  private boolean runs(Part part) {
    return !options.skip().contains(part);
  }

  public ObjectNode run() throws Exception {
    ObjectNode results = ProtocolJson.MAPPER.createObjectNode();
    ObjectNode machine = results.putObject("machine");
    machine.put("startedAt", Instant.now().toString());
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    // The machine may be shared: its load says how much the figures can be trusted.
    machine.put("loadAverageAtStart", loadAverage());
    ObjectNode loads = machine.putObject("loadAverageAtStartOf");
    Files.createDirectories(options.workdir());
    ObjectNode floor = null;
    if (runs(Part.floor) && (runs(Part.sequential) || runs(Part.burst))) {
      floor = results.putObject("floor");
      floor.put("measured", "the bare pipeline of a share on this machine, in this run: three embedded API servers"
          + " (org1 the origin), informers (org1's KeyShares and Secrets, each receiver's KeyShares), MeshTransport"
          + " links org1 -> org2 and org1 -> org3 (WebSocket over TLS 1.3, pinned keys), every message a signed"
          + " envelope (ES256 sign and verify), " + FloorPipeline.WRITES_IN_FLIGHT + " worker threads per"
          + " organization; per delivery exactly 3 API writes (receiver: create the incoming KeyShare, acknowledge,"
          + " write its status; origin: write its status on the acknowledgement), per decision 2 (receiver status,"
          + " origin status), no reads; nothing else (no finalizers, Events, audit, checks, dedupe, rechecks)."
          + " Run just after the operators' sequential and burst parts (warmed up by them and by its own warm-up"
          + " shares), on fresh API servers, timed by the same code and the same watches as the operators' figures");
    }

    ObjectNode seconds = machine.putObject("secondsOf");
    failed = machine.putObject("failedParts");
    ObjectNode floorFigures = floor;
    // The floor runs after the operators: the code both use (API client, mock servers, netty, JOSE, Jackson) is then
    // compiled by the JIT already, so the floor is not held back by warm-up and its ratios do not flatter the operators.
    if (runs(Part.sequential)) {
      String sequential = options.warmup() + " warm-up shares, then " + options.shares()
          + " KeyShares org1 -> org2 one at a time, then a decision on each";
      part("sequential", "sequential: " + sequential, loads, seconds, () -> {
        try (DemoConsortium consortium = consortium("sequential");
            ShareTimings timings = new ShareTimings(consortium)) {
          putSequential(results, timings.sequential(options.warmup(), options.shares()));
        }
      });
      if (floor != null) {
        part("floorSequential", "floor, sequential: " + sequential, loads, seconds, () -> {
          try (FloorPipeline pipeline = FloorPipeline.start(3);
              ShareTimings timings = new ShareTimings(pipeline.sites())) {
            putSequential(floorFigures, onFloor(pipeline, () -> timings.sequential(options.warmup(), options.shares())));
          }
        });
      }
      if (floor != null && floor.has("sharePropagation") && results.has("sharePropagation")) {
        timesTheFloor((ObjectNode) results.get("sharePropagation"), floor.get("sharePropagation"), "p50Ms", "p90Ms",
            "p99Ms");
        timesTheFloor((ObjectNode) results.get("decisionRoundTrip"), floor.get("decisionRoundTrip"), "p50Ms", "p99Ms");
        ObjectNode perShare = (ObjectNode) results.get("apiRequestsPerDeliveredShare");
        perShare.put("floorWritesMeasured", floor.at("/apiRequestsPerDeliveredShare/writesAllSides").asDouble());
        timesTheFloor((ObjectNode) results.get("apiRequestsPerDecision"), floor.get("apiRequestsPerDecision"),
            "writesAllSides");
      }
    }

    if (runs(Part.burst)) {
      String burst = options.burst() + " KeyShares created at once on org1, each for org2 and org3";
      part("burst", "burst: " + burst, loads, seconds, () -> {
        try (DemoConsortium consortium = consortium("burst");
            ShareTimings timings = new ShareTimings(consortium)) {
          results.set("burst", burst(timings.burst(options.burst(), BURST_CREATORS)));
        }
      });
      if (floor != null) {
        part("floorBurst", "floor, burst: " + burst, loads, seconds, () -> {
          try (FloorPipeline pipeline = FloorPipeline.start(3);
              ShareTimings timings = new ShareTimings(pipeline.sites())) {
            floorFigures.set("burst", burst(onFloor(pipeline, () -> timings.burst(options.burst(), BURST_CREATORS))));
          }
        });
      }
      if (floor != null && floor.has("burst") && results.has("burst")) {
        timesTheFloor((ObjectNode) results.get("burst"), floor.get("burst"), "sharesPerSecond", "deliveriesPerSecond");
      }
    }

    if (runs(Part.payload)) {
      part("payload", "payload: " + ByteSize.format(options.payload()) + " over a link, and over plain TLS, "
          + options.payloadRounds() + " round(s)", loads, seconds, () ->
          results.set("payload", new LinkThroughput(options.workdir().resolve("payload"), options.payload(),
              options.frameLimit(), options.payloadRounds()).run()));
    }

    if (runs(Part.idle)) {
      part("idle", "idle operator: " + options.idleRuns() + " start(s) of the jar with run --embedded", loads, seconds,
          () -> results.set("idleOperator", IdleFootprint.of(options.jar(), options.operatorJvmOptions(),
              options.settle(), options.idleRuns()).run()));
    }

    if (runs(Part.scale)) {
      ObjectNode scale = results.putObject("scale");
      part("scale", "scale: one operator (a child process) holding " + options.scale().pairings()
          + " pairings and up to " + options.scale().shares() + " pending KeyShares", loads, seconds, () ->
          new ScaleFootprint(OperatorProcess.Launcher.of(options.jar(), options.operatorJvmOptions()),
              options.workdir().resolve("scale"), options.scale(), out).run(scale));
    }

    machine.put("loadAverageAtEnd", loadAverage());
    Path file = options.out();
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, ProtocolJson.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(results) + "\n", StandardCharsets.UTF_8);
    new BenchTable(results, out).print();
    out.println("results: " + file);
    if (failed.size() > 0) {
      throw new IllegalStateException("part(s) failed, the others were measured (see machine.failedParts in " + file
          + "): " + failed);
    }
    return results;
  }

  /** The sequential figures under {@code node}: the same keys for the operators and for the floor. */
  private static void putSequential(ObjectNode node, ShareTimings.Sequential s) {
    ObjectNode propagation = s.propagation().json();
    propagation.put("measured", "create KeyShare on org1 (for org2) -> incoming KeyShare seen on org2 by a watch;"
        + " shares sent one at a time, each after the previous was acknowledged on org1");
    propagation.set("objectsHeldAfter", s.objectsAfter());
    int traced = 0;
    for (var step : s.timeline()) {
      traced = Math.max(traced, step.get("inShares").asInt());
    }
    propagation.put("timelineMeasured", "the last " + traced
        + " shares traced request by request at the three API servers: each request's arrival, as an offset from"
        + " the bench's create, median over the traced shares (leases left out)");
    propagation.set("timeline", s.timeline());
    node.set("sharePropagation", propagation);
    ObjectNode decision = s.decision().json();
    decision.put("measured", "merge patch spec.decision: Accept on org2's incoming KeyShare -> org1's recipient"
        + " entry Accepted, seen by a watch on org1; one at a time");
    decision.set("objectsHeldAfter", s.objectsAfter());
    node.set("decisionRoundTrip", decision);
    ObjectNode perShare = s.requestsPerShare();
    perShare.put("measured", "requests the operators made (counted at each API server by User-Agent; the bench's"
        + " own create is not counted) between the first share's create and the last share's acknowledgement,"
        + " once quiet, divided by the shares delivered; watches opened are not per share");
    perShare.put("floorWrites", 3);
    perShare.put("timesTheFloor", round(perShare.get("writesAllSides").asDouble() / 3));
    node.set("apiRequestsPerDeliveredShare", perShare);
    ObjectNode perDecision = s.requestsPerDecision();
    perDecision.put("measured", "the same count over the decision phase (org2 decides, org1 records), per decision;"
        + " the bench's own patch is not counted");
    node.set("apiRequestsPerDecision", perDecision);
  }

  private static ObjectNode burst(ShareTimings.Burst b) {
    ObjectNode burst = ProtocolJson.MAPPER.createObjectNode();
    burst.put("measured", "KeyShares created by " + BURST_CREATORS + " concurrent clients on org1, each for org2 and"
        + " org3, on fresh API servers; time from the first create to the last acknowledgement (both recipients"
        + " Delivered on org1)");
    burst.put("shares", b.shares());
    burst.put("deliveries", b.shares() * 2);
    burst.put("createSeconds", round(b.createSeconds()));
    burst.put("allAcknowledgedSeconds", round(b.ackSeconds()));
    burst.put("sharesPerSecond", round(b.sharesPerSecond()));
    burst.put("deliveriesPerSecond", round(b.sharesPerSecond() * 2));
    burst.set("apiRequestsPerShare", b.requestsPerShare());
    burst.set("objectsHeldAfter", b.objectsAfter());
    ObjectNode listAll = b.listAll().json();
    listAll.put("measured", "after the burst, one LIST of every KeyShare in org1's namespace by the bench's client,"
        + " as KeyShares.outgoing() does for each acknowledgement and decision it hears");
    burst.set("listAllKeySharesOnOrigin", listAll);
    return burst;
  }

  /** Puts {@code <key>TimesTheFloor} next to each {@code key}: the operators' figure over the floor's. */
  private static void timesTheFloor(ObjectNode figure, com.fasterxml.jackson.databind.JsonNode floor, String... keys) {
    for (String key : keys) {
      double base = floor.get(key).asDouble();
      String name = (key.endsWith("Ms") ? key.substring(0, key.length() - 2) : key) + "TimesTheFloor";
      if (base > 0) {
        figure.put(name, round(figure.get(key).asDouble() / base));
      }
    }
  }

  private interface Timed<T> {
    T run() throws Exception;
  }

  private interface Work {
    void run() throws Exception;
  }

  /** One part of the run: said, with the load at its start and how long it took recorded in the results. */
  private void part(String name, String says, ObjectNode loads, ObjectNode seconds, Work work) throws Exception {
    out.println(says);
    loads.put(name, loadAverage());
    long start = System.nanoTime();
    try {
      work.run();
    } catch (Exception e) {
      out.println("  failed: " + e.getMessage());
      failed.put(name, String.valueOf(e.getMessage()));
    }
    seconds.put(name, round((System.nanoTime() - start) / 1e9));
  }

  /** Runs {@code timed} on the floor; when it fails, says what the floor's own work last failed on. */
  private static <T> T onFloor(FloorPipeline floor, Timed<T> timed) throws Exception {
    try {
      return timed.run();
    } catch (IllegalStateException e) {
      if (floor.failures() > 0) {
        throw new IllegalStateException(e.getMessage() + "; the floor pipeline failed " + floor.failures()
            + " time(s), last: " + floor.lastFailure(), e);
      }
      throw e;
    }
  }

  private DemoConsortium consortium(String name) {
    // The demo's own narration (API server URLs, pairings) is not the bench's output.
    DemoConsortium consortium = new DemoConsortium(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      Path workdir = options.workdir().resolve(name);
      // The demo keeps its API servers' objects in its work dir: a part starts from an empty one, never
      // from what an earlier run left there.
      emptyDirectory(workdir);
      consortium.start(3, workdir);
      consortium.pairAll();
      return consortium;
    } catch (Exception e) {
      consortium.close();
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }

  private static void emptyDirectory(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(dir);
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown" off Linux. */
  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
