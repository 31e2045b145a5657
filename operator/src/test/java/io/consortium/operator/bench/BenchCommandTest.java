package io.consortium.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark with tiny numbers, end to end and once for the class (it is slow as it is), so that
 * it keeps working; its figures are not judged here, only that each is there, with its samples, the
 * objects held and what it measured. The counts of writes are checked: they are counts, not times.
 */
class BenchCommandTest {

  @TempDir static Path workdir;
  private static JsonNode r;

  @BeforeAll
  static void bench_with_tiny_numbers() throws Exception {
    Path results = workdir.resolve("results.json");
    CliRun.Run run = CliRun.run("bench", "--shares", "5", "--warmup", "0", "--burst", "10", "--payload", "4MiB",
        "--payload-rounds", "1", "--idle-runs", "1", "--settle", "0", "--scale-pairings", "2", "--scale-shares", "2",
        "--scale-samples", "1", "--scale-idle", "1s", "--workdir", workdir.resolve("work").toString(),
        "--out", results.toString());
    assertThat(run.code()).as(run.err()).isZero();
    r = ProtocolJson.MAPPER.readTree(Files.readString(results));
  }

  @Test
  void bench_with_tiny_numbers_writes_every_figure_with_its_samples_and_the_objects_held() {
    assertThat(r.at("/sharePropagation/samples").asInt()).isEqualTo(5);
    assertThat(r.at("/sharePropagation/p50Ms").asDouble()).isPositive();
    assertThat(r.at("/sharePropagation/p99Ms").asDouble()).isGreaterThanOrEqualTo(r.at("/sharePropagation/p50Ms").asDouble());
    assertThat(r.at("/decisionRoundTrip/samples").asInt()).isEqualTo(5);
    assertThat(r.at("/decisionRoundTrip/p50Ms").asDouble()).isPositive();
    assertThat(r.at("/sharePropagation/objectsHeldAfter/org2/keyShares").asInt())
        .as("org2 holds each of the 5 shares once").isEqualTo(5);
    assertThat(r.at("/apiRequestsPerDeliveredShare/writesAllSides").asDouble())
        .as("no share is delivered with fewer writes than the floor (receiver create + status, origin status)")
        .isGreaterThanOrEqualTo(3);
    assertThat(r.at("/apiRequestsPerDeliveredShare/origin/reads").isNumber()).isTrue();
    assertThat(r.at("/apiRequestsPerDeliveredShare/receivers/org2/writes").asDouble()).isPositive();
    assertThat(r.at("/apiRequestsPerDecision/origin/writes").asDouble()).isPositive();
    assertThat(r.at("/burst/shares").asInt()).isEqualTo(10);
    assertThat(r.at("/burst/sharesPerSecond").asDouble()).isPositive();
    assertThat(r.at("/burst/objectsHeldAfter/org3/keyShares").asInt()).isEqualTo(10);
    assertThat(r.at("/payload/payloadBytes").asLong()).isEqualTo(4L << 20);
    assertThat(r.at("/payload/linkMBps").asDouble()).isPositive();
    assertThat(r.at("/payload/plainTlsMBps").asDouble()).isPositive();
    assertThat(r.at("/payload/heapPeakMiB").asLong()).isPositive();
    assertThat(r.at("/idleOperator/idleRssMiB").asLong()).isPositive();
    assertThat(r.at("/idleOperator/startToReadyMs").asLong()).isPositive();
    for (String figure : new String[] {"sharePropagation", "decisionRoundTrip", "apiRequestsPerDeliveredShare",
        "apiRequestsPerDecision", "burst", "payload", "idleOperator", "floor", "scale"}) {
      assertThat(r.get(figure).get("measured").asText()).as(figure + " says what it measured").isNotBlank();
    }
    assertThat(r.at("/machine/loadAverageAtStartOf").size()).as("the load at the start of each of the 7 parts")
        .isEqualTo(7);
  }

  @Test
  void the_floor_is_measured_in_the_same_run_and_each_share_figure_says_its_ratio_to_it() {
    JsonNode floor = r.get("floor");
    assertThat(floor.at("/sharePropagation/samples").asInt()).isEqualTo(5);
    assertThat(floor.at("/sharePropagation/p50Ms").asDouble()).isPositive();
    assertThat(floor.at("/sharePropagation/timeline").size()).isPositive();
    assertThat(floor.at("/decisionRoundTrip/samples").asInt()).isEqualTo(5);
    assertThat(floor.at("/decisionRoundTrip/p50Ms").asDouble()).isPositive();
    assertThat(floor.at("/sharePropagation/objectsHeldAfter/org2/keyShares").asInt()).isEqualTo(5);
    assertThat(floor.at("/apiRequestsPerDeliveredShare/writesAllSides").asDouble())
        .as("the floor writes exactly the receiver's create and status and the origin's status").isEqualTo(3.0);
    assertThat(floor.at("/apiRequestsPerDecision/writesAllSides").asDouble())
        .as("a decision on the floor writes the receiver's status and the origin's").isEqualTo(2.0);
    assertThat(floor.at("/burst/shares").asInt()).isEqualTo(10);
    assertThat(floor.at("/burst/deliveriesPerSecond").asDouble()).isPositive();
    assertThat(floor.at("/burst/objectsHeldAfter/org3/keyShares").asInt()).isEqualTo(10);
    for (String ratio : new String[] {"/sharePropagation/p50TimesTheFloor", "/sharePropagation/p99TimesTheFloor",
        "/decisionRoundTrip/p50TimesTheFloor", "/apiRequestsPerDecision/writesAllSidesTimesTheFloor",
        "/burst/deliveriesPerSecondTimesTheFloor", "/burst/sharesPerSecondTimesTheFloor"}) {
      assertThat(r.at(ratio).asDouble()).as(ratio).isPositive();
    }
    assertThat(r.at("/apiRequestsPerDeliveredShare/floorWritesMeasured").asDouble()).isEqualTo(3.0);
  }

  @Test
  void the_scale_part_measures_one_operator_holding_pairings_and_pending_shares_at_each_stage() {
    JsonNode scale = r.get("scale");
    assertThat(scale.get("pairings").asInt()).isEqualTo(2);
    assertThat(scale.get("startToReadyMs").asLong()).isPositive();
    JsonNode stages = scale.get("stages");
    assertThat(stages.size()).as("0 shares held, then 2").isEqualTo(2);
    assertThat(stages.get(0).get("sharesHeld").asInt()).isZero();
    assertThat(stages.get(1).get("sharesHeld").asInt()).as("the 2 held and the new share timed at the first stage")
        .isEqualTo(3);
    for (JsonNode stage : stages) {
      assertThat(stage.get("complete").asBoolean()).isTrue();
      assertThat(stage.get("rssMiB").asLong()).isPositive();
      assertThat(stage.get("rssPeakMiB").asLong()).isGreaterThanOrEqualTo(stage.get("rssMiB").asLong());
      assertThat(stage.get("heapUsedAfterGcMiB").asDouble()).isPositive();
      assertThat(stage.get("rssAfterGcMiB").asLong()).isPositive();
      assertThat(stage.get("idleCpuPercentOfCore").isNumber()).isTrue();
      assertThat(stage.get("idleWindowSeconds").asDouble()).isPositive();
      assertThat(stage.at("/newShare/offerAtPeer/p50Ms").asDouble()).isPositive();
      assertThat(stage.at("/newShare/delivered/p50Ms").asDouble()).isPositive();
      assertThat(stage.get("newShareDeliveredP50TimesEmpty").asDouble()).isPositive();
      assertThat(stage.at("/objectsHeld/keyShares").asInt()).isEqualTo(stage.get("sharesHeld").asInt());
      assertThat(stage.at("/apiServerGet/p50Ms").asDouble()).as("the API server's own cost at this size").isPositive();
    }
    assertThat(scale.at("/peers/offersReceived").asLong()).as("each of the 4 shares offered to its peer at least once")
        .isGreaterThanOrEqualTo(4);
    assertThat(scale.at("/peers/refusedFrames").asLong()).isZero();
  }

  @Test
  void a_second_run_in_the_same_work_dir_starts_its_consortium_afresh() throws Exception {
    // The demo keeps its API servers' objects in the work dir: what the first run left must not be found.
    Path results = workdir.resolve("again.json");
    CliRun.Run run = CliRun.run("bench", "--shares", "2", "--warmup", "0", "--skip", "floor,burst,payload,idle,scale",
        "--workdir", workdir.resolve("work").toString(), "--out", results.toString());

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode again = ProtocolJson.MAPPER.readTree(Files.readString(results));
    assertThat(again.at("/sharePropagation/samples").asInt()).isEqualTo(2);
    assertThat(again.at("/sharePropagation/objectsHeldAfter/org2/keyShares").asInt())
        .as("only this run's shares").isEqualTo(2);
  }

  @Test
  void an_operator_that_cannot_start_is_reported_with_why_and_what_it_printed() throws Exception {
    Path notAJar = Files.writeString(workdir.resolve("broken.jar"), "not a jar");

    assertThatThrownBy(() -> IdleFootprint.of(notAJar, List.of(), Duration.ZERO, 1).run())
        .hasMessageContaining("the operator did not start: it ended before it listened (exit code 1)")
        .hasMessageContaining("Invalid or corrupt jarfile");
  }
}
