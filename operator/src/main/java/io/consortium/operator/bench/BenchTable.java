package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Map;

/**
 * The table {@code bench} prints from its results: each figure's ratio to the floor first, then the
 * operators' figure and the floor's, then the scale part's stages, then the machine's load. Parts a
 * run skipped are left out; every figure is also in the JSON file with what it measured.
 */
final class BenchTable {

  private static final String ROW = "%-44s %-8s %-42s %-36s %-8s %s%n";

  private final ObjectNode r;
  private final PrintStream out;

  BenchTable(ObjectNode results, PrintStream out) {
    this.r = results;
    this.out = out;
  }

  void print() {
    out.println();
    if (r.has("sharePropagation") || r.has("burst") || r.has("payload") || r.has("idleOperator")) {
      out.printf(ROW, "figure", "x floor", "operator", "floor (same run)", "samples", "target");
    }
    JsonNode floor = r.path("floor");
    if (r.has("sharePropagation")) {
      JsonNode prop = r.get("sharePropagation");
      JsonNode fprop = floor.path("sharePropagation");
      String samples = prop.get("samples").asText();
      out.printf(ROW, "share propagation org1 -> org2, p50", times(prop, "p50TimesTheFloor"), ms(prop, "p50Ms"),
          ms(fprop, "p50Ms"), samples, "<= 2x the floor");
      out.printf(ROW, "share propagation, p90", times(prop, "p90TimesTheFloor"), ms(prop, "p90Ms"), ms(fprop, "p90Ms"),
          "", "-");
      out.printf(ROW, "share propagation, p99", times(prop, "p99TimesTheFloor"), ms(prop, "p99Ms"), ms(fprop, "p99Ms"),
          "", "<= 25 ms on a quiet machine");
      JsonNode dec = r.get("decisionRoundTrip");
      JsonNode fdec = floor.path("decisionRoundTrip");
      out.printf(ROW, "decision round trip org2 -> org1, p50", times(dec, "p50TimesTheFloor"), ms(dec, "p50Ms"),
          ms(fdec, "p50Ms"), dec.get("samples").asText(), "<= 2x the floor");
      out.printf(ROW, "decision round trip, p99", times(dec, "p99TimesTheFloor"), ms(dec, "p99Ms"), ms(fdec, "p99Ms"),
          "", "-");
      JsonNode req = r.get("apiRequestsPerDeliveredShare");
      JsonNode freq = floor.path("apiRequestsPerDeliveredShare");
      out.printf(ROW, "API writes per delivered share, both sides", String.format("%.2fx", req.get("timesTheFloor")
          .asDouble()), writes(req), freq.isMissingNode() ? "-" : writes(freq), req.get("shares").asText(), "3");
      out.printf(ROW, "API reads per delivered share", "-", reads(req), freq.isMissingNode() ? "-" : reads(freq),
          req.get("shares").asText(), "from caches");
      JsonNode perDecision = r.get("apiRequestsPerDecision");
      JsonNode fperDecision = floor.path("apiRequestsPerDecision");
      out.printf(ROW, "API writes per decision, both sides", times(perDecision, "writesAllSidesTimesTheFloor"),
          String.format("%.2f", perDecision.get("writesAllSides").asDouble()), fperDecision.isMissingNode() ? "-"
              : String.format("%.2f", fperDecision.get("writesAllSides").asDouble()), dec.get("samples").asText(), "-");
    }
    if (r.has("burst")) {
      JsonNode burst = r.get("burst");
      JsonNode fburst = floor.path("burst");
      out.printf(ROW, "burst, deliveries/s (2 recipients a share)", times(burst, "deliveriesPerSecondTimesTheFloor"),
          rate(burst), fburst.isMissingNode() ? "-" : rate(fburst), burst.get("shares").asText(), ">= 0.9x the floor");
    }
    if (r.has("payload")) {
      JsonNode payload = r.get("payload");
      out.printf(ROW, "payload over a link vs plain TLS 1.3", "-", String.format("%.1f vs %.1f MB/s = %.0f%%",
          payload.get("linkMBps").asDouble(), payload.get("plainTlsMBps").asDouble(),
          payload.get("ratio").asDouble() * 100), "-", payload.get("rounds").asText(), ">= 60% of plain TLS");
      out.printf(ROW, "heap growth during the payload", "-", payload.get("heapGrowthMiB").asText() + " MiB (peak "
          + payload.get("heapPeakMiB").asText() + " MiB)", "-", payload.get("rounds").asText(), "<= 128 MiB");
    }
    if (r.has("idleOperator")) {
      JsonNode idle = r.get("idleOperator");
      out.printf(ROW, "idle operator RSS (run --embedded)", "-", idle.get("idleRssMiB").asText() + " MiB", "-",
          idle.get("runs").asText(), "<= 128 MiB");
      out.printf(ROW, "operator start to Ready (run --embedded)", "-", idle.get("startToReadyMs").asText() + " ms", "-",
          idle.get("runs").asText(), "<= 2 s");
    }
    if (r.has("scale")) {
      printScale(r.get("scale"));
    }
    out.println();
    if (r.has("sharePropagation")) {
      out.printf("objects held after the sequential run: %s (floor: %s)%n", r.at("/sharePropagation/objectsHeldAfter"),
          floor.at("/sharePropagation/objectsHeldAfter"));
    }
    if (r.has("burst")) {
      out.printf("objects held after the burst: %s (floor: %s)%n", r.at("/burst/objectsHeldAfter"),
          floor.at("/burst/objectsHeldAfter"));
    }
    out.println("x floor: the operators' figure over the floor's, both measured in this run; medians where several"
        + " samples; every figure with what it measured is in the JSON file");
    if (r.at("/machine/failedParts").size() > 0) {
      out.println("FAILED parts (their figures are missing or partial): " + r.at("/machine/failedParts"));
    }
    out.println("load average at start / end: " + r.at("/machine/loadAverageAtStart").asText() + " / "
        + r.at("/machine/loadAverageAtEnd").asText() + " on " + r.at("/machine/cores").asText() + " cores");
    StringBuilder parts = new StringBuilder();
    for (Map.Entry<String, JsonNode> part : (Iterable<Map.Entry<String, JsonNode>>) () ->
        r.at("/machine/loadAverageAtStartOf").fields()) {
      parts.append(parts.length() == 0 ? "" : "; ").append(part.getKey()).append(' ').append(part.getValue().asText())
          .append(" (").append(r.at("/machine/secondsOf/" + part.getKey()).asText("?")).append(" s)");
    }
    out.println("load average at the start of each part (and how long it took): " + parts);
    if (r.has("sharePropagation")) {
      printTimeline("where a share's time goes, operators", r.get("sharePropagation"));
    }
    if (floor.has("sharePropagation")) {
      printTimeline("where a share's time goes, floor", floor.get("sharePropagation"));
    }
  }

  private void printScale(JsonNode scale) {
    out.println();
    out.printf("scale: one operator alone (a child process), %s pairings to light peers, shares held undecided;"
        + " Ready in %s ms, paired in %s s, part took %s s%n", scale.path("pairings").asText("?"),
        scale.path("startToReadyMs").asText("-"), scale.path("pairSeconds").asText("-"),
        scale.path("seconds").asText("-"));
    String row = "  %-13s %-8s %-28s %-18s %-22s %-15s %-10s %-20s %s%n";
    out.printf(row, "shares held", "x empty", "new share Delivered p50/p90", "offer at peer p50",
        "RSS (peak; after GC)", "heap after GC", "idle CPU", "idle API requests/s", "API server GET p50 (x empty)");
    for (JsonNode stage : scale.path("stages")) {
      JsonNode fresh = stage.path("newShare");
      String held = stage.path("sharesHeld").asText() + (stage.path("complete").asBoolean() ? ""
          : " (" + stage.path("sharesDelivered").asText() + " delivered)");
      out.printf(row, held, times(stage, "newShareDeliveredP50TimesEmpty"),
          fresh.isMissingNode() ? "-" : String.format("%.2f / %.2f ms", fresh.at("/delivered/p50Ms").asDouble(),
              fresh.at("/delivered/p90Ms").asDouble()),
          fresh.isMissingNode() ? "-" : String.format("%.2f ms", fresh.at("/offerAtPeer/p50Ms").asDouble()),
          stage.path("rssMiB").asText("-") + " MiB (" + stage.path("rssPeakMiB").asText("-") + "; "
              + stage.path("rssAfterGcMiB").asText("-") + ")",
          stage.has("heapUsedAfterGcMiB") ? String.format("%.1f MiB", stage.get("heapUsedAfterGcMiB").asDouble()) : "-",
          stage.has("idleCpuPercentOfCore") ? String.format("%.1f%%", stage.get("idleCpuPercentOfCore").asDouble()) : "-",
          stage.has("idleApiRequestsPerSecond") ? String.format("%.2f", stage.get("idleApiRequestsPerSecond").asDouble())
              : "-",
          stage.has("apiServerGet") ? String.format("%.2f ms (%s)", stage.at("/apiServerGet/p50Ms").asDouble(),
              times(stage, "apiServerGetP50TimesEmpty")) : "-");
    }
    out.printf("  target: 10,000 shares over 100 pairings in <= 512 MiB RSS, new-share latency 1.0x the empty"
        + " instance's, no CPU while idle; light peers received %s offers, reconnected %s times%n",
        scale.at("/peers/offersReceived").asText("-"), scale.at("/peers/reconnects").asText("-"));
  }

  private void printTimeline(String title, JsonNode propagation) {
    out.println();
    out.println(title + " (" + propagation.get("timelineMeasured").asText() + "):");
    for (JsonNode step : propagation.get("timeline")) {
      out.printf("  +%7.2f ms  %-60s (%d shares)%n", step.get("medianOffsetMs").asDouble(), step.get("step").asText(),
          step.get("inShares").asInt());
    }
  }

  private static String times(JsonNode figure, String key) {
    return figure.has(key) ? String.format("%.2fx", figure.get(key).asDouble()) : "-";
  }

  private static String ms(JsonNode figure, String key) {
    return figure.has(key) ? String.format("%.2f ms", figure.get(key).asDouble()) : "-";
  }

  private static String writes(JsonNode perShare) {
    return String.format("%.2f (origin %.2f, receiver %.2f)", perShare.get("writesAllSides").asDouble(),
        perShare.at("/origin/writes").asDouble(), perShare.at("/receivers/org2/writes").asDouble());
  }

  private static String reads(JsonNode perShare) {
    return String.format("origin %.2f, receiver %.2f", perShare.at("/origin/reads").asDouble(),
        perShare.at("/receivers/org2/reads").asDouble());
  }

  private static String rate(JsonNode burst) {
    return String.format("%.1f/s (%.1f s)", burst.get("deliveriesPerSecond").asDouble(),
        burst.get("allAcknowledgedSeconds").asDouble());
  }
}
