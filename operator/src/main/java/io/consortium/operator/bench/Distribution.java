package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import java.util.Arrays;
import java.util.List;

/** Percentiles (nearest rank) of a set of durations, in milliseconds. */
record Distribution(int samples, double p50, double p90, double p99, double max) {

  static Distribution ofNanos(List<Long> nanos) {
    if (nanos.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Distribution(sorted.length, ms(rank(sorted, 50)), ms(rank(sorted, 90)), ms(rank(sorted, 99)),
        ms(sorted[sorted.length - 1]));
  }

  private static long rank(long[] sorted, int percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  ObjectNode json() {
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    node.put("samples", samples);
    node.put("p50Ms", p50);
    node.put("p90Ms", p90);
    node.put("p99Ms", p99);
    node.put("maxMs", max);
    return node;
  }
}
