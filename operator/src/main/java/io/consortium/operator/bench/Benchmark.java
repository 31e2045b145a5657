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

/**
 * The benchmark of DESIGN.md's "Performance targets": three organizations, each an embedded API
 * server and an operator, paired over TLS on loopback; shares timed one at a time and in a burst;
 * a large payload over a link against plain TLS; the operator alone at rest. Prints a table and
 * writes every figure, with what it measured, its sample count and the API servers' object counts,
 * to a JSON file.
 */
public final class Benchmark {

  /** What to run; see {@code consortium-operator bench --help}. */
  public record Options(int shares, int warmup, int burst, long payload, int payloadRounds, long frameLimit,
      int idleRuns, Duration settle, Path jar, Path workdir, Path out) {}

  private final Options options;
  private final PrintStream out;

  public Benchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
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
    Files.createDirectories(options.workdir());

    out.printf("sequential: %d warm-up shares, then %d KeyShares org1 -> org2 one at a time, then a decision on each%n",
        options.warmup(), options.shares());
    try (DemoConsortium consortium = consortium("sequential");
        ShareTimings timings = new ShareTimings(consortium)) {
      ShareTimings.Sequential s = timings.sequential(options.warmup(), options.shares());
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
      results.set("sharePropagation", propagation);
      ObjectNode decision = s.decision().json();
      decision.put("measured", "merge patch spec.decision: Accept on org2's incoming KeyShare -> org1's recipient"
          + " entry Accepted, seen by a watch on org1; one at a time");
      decision.set("objectsHeldAfter", s.objectsAfter());
      results.set("decisionRoundTrip", decision);
      ObjectNode perShare = s.requestsPerShare();
      perShare.put("measured", "requests the operators made (counted at each API server by User-Agent; the bench's"
          + " own create is not counted) between the first share's create and the last share's acknowledgement,"
          + " once quiet, divided by the shares delivered; watches opened are not per share");
      perShare.put("floorWrites", 3);
      perShare.put("timesTheFloor", Math.round(perShare.get("writesAllSides").asDouble() / 3 * 100) / 100.0);
      results.set("apiRequestsPerDeliveredShare", perShare);
      ObjectNode perDecision = s.requestsPerDecision();
      perDecision.put("measured", "the same count over the decision phase (org2 decides, org1 records), per decision;"
          + " the bench's own patch is not counted");
      results.set("apiRequestsPerDecision", perDecision);
    }

    out.printf("burst: %d KeyShares created at once on org1, each for org2 and org3%n", options.burst());
    try (DemoConsortium consortium = consortium("burst");
        ShareTimings timings = new ShareTimings(consortium)) {
      ShareTimings.Burst b = timings.burst(options.burst(), 8);
      ObjectNode burst = ProtocolJson.MAPPER.createObjectNode();
      burst.put("measured", "KeyShares created by 8 concurrent clients on org1, each for org2 and org3, on a fresh"
          + " consortium; time from the first create to the last acknowledgement (both recipients Delivered on org1)");
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
      results.set("burst", burst);
    }

    out.printf("payload: %s over a link, and over plain TLS, %d round(s)%n", ByteSize.format(options.payload()),
        options.payloadRounds());
    results.set("payload", new LinkThroughput(options.workdir().resolve("payload"), options.payload(),
        options.frameLimit(), options.payloadRounds()).run());

    out.printf("idle operator: %d start(s) of the jar with run --embedded%n", options.idleRuns());
    results.set("idleOperator", IdleFootprint.of(options.jar(), options.settle(), options.idleRuns()).run());

    machine.put("loadAverageAtEnd", loadAverage());
    Path file = options.out();
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, ProtocolJson.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(results) + "\n", StandardCharsets.UTF_8);
    printTable(results);
    out.println("results: " + file);
    return results;
  }

  private DemoConsortium consortium(String name) {
    // The demo's own narration (API server URLs, pairings) is not the bench's output.
    DemoConsortium consortium = new DemoConsortium(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      Path workdir = options.workdir().resolve(name);
      Files.createDirectories(workdir);
      consortium.start(3, workdir);
      consortium.pairAll();
      return consortium;
    } catch (Exception e) {
      consortium.close();
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }

  private void printTable(ObjectNode r) {
    ObjectNode prop = (ObjectNode) r.get("sharePropagation");
    ObjectNode dec = (ObjectNode) r.get("decisionRoundTrip");
    ObjectNode req = (ObjectNode) r.get("apiRequestsPerDeliveredShare");
    ObjectNode burst = (ObjectNode) r.get("burst");
    ObjectNode payload = (ObjectNode) r.get("payload");
    ObjectNode idle = (ObjectNode) r.get("idleOperator");
    out.println();
    String row = "%-44s %-44s %-10s %s%n";
    out.printf(row, "figure", "measured", "samples", "target (DESIGN.md)");
    out.printf(row, "share propagation org1 -> org2", String.format("p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms",
        prop.get("p50Ms").asDouble(), prop.get("p90Ms").asDouble(), prop.get("p99Ms").asDouble(),
        prop.get("maxMs").asDouble()), prop.get("samples").asText(), "p50 <= 6 ms, p99 <= 25 ms");
    out.printf(row, "decision round trip org2 -> org1", String.format("p50 %.2f  p99 %.2f ms",
        dec.get("p50Ms").asDouble(), dec.get("p99Ms").asDouble()), dec.get("samples").asText(), "p50 <= 12 ms");
    out.printf(row, "API writes per delivered share, both sides", String.format("%.2f (origin %.2f, receiver %.2f) = %.2fx floor",
        req.get("writesAllSides").asDouble(), req.at("/origin/writes").asDouble(),
        req.at("/receivers/org2/writes").asDouble(), req.get("timesTheFloor").asDouble()),
        req.get("shares").asText(), "3 writes");
    out.printf(row, "API reads per delivered share", String.format("origin %.2f, receiver %.2f",
        req.at("/origin/reads").asDouble(), req.at("/receivers/org2/reads").asDouble()), req.get("shares").asText(), "-");
    out.printf(row, "burst, all acknowledged (2 recipients each)", String.format("%.1f shares/s (%.1f s)",
        burst.get("sharesPerSecond").asDouble(), burst.get("allAcknowledgedSeconds").asDouble()),
        burst.get("shares").asText(), ">= 400 shares/s to one peer");
    out.printf(row, "payload over a link vs plain TLS 1.3", String.format("%.1f vs %.1f MB/s = %.0f%%",
        payload.get("linkMBps").asDouble(), payload.get("plainTlsMBps").asDouble(), payload.get("ratio").asDouble() * 100),
        payload.get("rounds").asText(), ">= 60% of plain TLS");
    out.printf(row, "heap growth during the payload", payload.get("heapGrowthMiB").asText() + " MiB (peak "
        + payload.get("heapPeakMiB").asText() + " MiB)", payload.get("rounds").asText(), "<= 128 MiB");
    out.printf(row, "idle operator RSS", idle.get("idleRssMiB").asText() + " MiB", idle.get("runs").asText(), "<= 128 MiB");
    out.printf(row, "operator start to Ready", idle.get("startToReadyMs").asText() + " ms", idle.get("runs").asText(),
        "<= 2 s");
    out.printf("objects held after the sequential run: %s; after the burst: %s%n", prop.get("objectsHeldAfter"),
        burst.get("objectsHeldAfter"));
    out.println("medians where several samples; every figure with what it measured is in the JSON file");
    out.println("load average at start / end: " + r.at("/machine/loadAverageAtStart").asText() + " / "
        + r.at("/machine/loadAverageAtEnd").asText() + " on " + r.at("/machine/cores").asText() + " cores");
    out.println();
    out.println("where a share's time goes (" + prop.get("timelineMeasured").asText() + "):");
    for (var step : prop.get("timeline")) {
      out.printf("  +%7.2f ms  %-60s (%d shares)%n", step.get("medianOffsetMs").asDouble(), step.get("step").asText(),
          step.get("inShares").asInt());
    }
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
