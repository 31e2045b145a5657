package io.consortium.operator.mesh.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.mesh.protocol.LastSeenWriter.LinkEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LastSeenWriterTest {

  private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
  private final MutableClock clock = new MutableClock(START);

  @Test
  void last_seen_is_written_on_connect_and_disconnect_whenever_they_happen() {
    LastSeenWriter writer = new LastSeenWriter(clock);
    Instant justWritten = clock.instant();

    assertThat(writer.shouldWrite(LinkEvent.CONNECTED, justWritten)).isTrue();
    assertThat(writer.shouldWrite(LinkEvent.DISCONNECTED, justWritten)).isTrue();
  }

  @Test
  void last_seen_is_written_at_most_once_a_minute_however_busy_the_link_is() {
    LastSeenWriter writer = new LastSeenWriter(clock);
    Instant lastWritten = null;
    int writes = 0;

    // A message every 100 ms for five minutes.
    for (int i = 0; i < 3_000; i++) {
      if (writer.shouldWrite(LinkEvent.SEEN, lastWritten)) {
        lastWritten = writer.now();
        writes++;
      }
      clock.advance(Duration.ofMillis(100));
    }

    assertThat(writes).isEqualTo(5);
  }

  @Test
  void the_first_message_seen_is_written_when_nothing_was_written_before() {
    LastSeenWriter writer = new LastSeenWriter(clock);

    assertThat(writer.shouldWrite(LinkEvent.SEEN, null)).isTrue();
    assertThat(writer.shouldWrite(LinkEvent.SEEN, clock.instant().minusSeconds(59))).isFalse();
    assertThat(writer.shouldWrite(LinkEvent.SEEN, clock.instant().minusSeconds(60))).isTrue();
  }
}
