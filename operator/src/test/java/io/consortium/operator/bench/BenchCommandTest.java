package io.consortium.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark with tiny numbers, end to end, so that it keeps working; its figures are not judged here. */
class BenchCommandTest {

  @TempDir Path workdir;

  @Test
  void bench_with_tiny_numbers_writes_every_figure_with_its_samples_and_the_objects_held() throws Exception {
    Path results = workdir.resolve("results.json");
    CliRun.Run run = CliRun.run("bench", "--shares", "5", "--warmup", "0", "--burst", "10", "--payload", "4MiB",
        "--payload-rounds", "1", "--idle-runs", "1", "--settle", "0", "--workdir", workdir.resolve("work").toString(),
        "--out", results.toString());

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode r = ProtocolJson.MAPPER.readTree(Files.readString(results));
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
        "apiRequestsPerDecision", "burst", "payload", "idleOperator"}) {
      assertThat(r.get(figure).get("measured").asText()).as(figure + " says what it measured").isNotBlank();
    }
  }

  @Test
  void an_operator_that_cannot_start_is_reported_with_why_and_what_it_printed() throws Exception {
    Path notAJar = Files.writeString(workdir.resolve("broken.jar"), "not a jar");

    assertThatThrownBy(() -> IdleFootprint.of(notAJar, Duration.ZERO, 1).run())
        .hasMessageContaining("the operator did not start: it ended before it listened (exit code 1)")
        .hasMessageContaining("Invalid or corrupt jarfile");
  }
}
