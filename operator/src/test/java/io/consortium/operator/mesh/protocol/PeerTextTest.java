package io.consortium.operator.mesh.protocol;


import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a peer says is made fit for one log line; a flood of it is counted, not logged. */
class PeerTextTest {

  @Test
  void a_newline_in_a_peers_text_cannot_start_a_line_of_its_own() {
    String forged = "refused\n2026-11-23T10:00:00Z INFO  [main] io.consortium.operator.share.Audit - ACCEPTED key by admin";

    String safe = PeerText.safe(forged);

    assertThat(safe).doesNotContain("\n").doesNotContain("\r")
        .startsWith("refused\\n2026-11-23T10:00:00Z INFO");
  }

  @Test
  void carriage_returns_escapes_bidirectional_overrides_and_line_separators_are_written_as_escapes() {
    String safe = PeerText.safe("a\rb\u001b[31mred\u202eevil\u2028next\u0000end\tx");

    assertThat(safe).isEqualTo("a\\rb\\u001b[31mred\\u202eevil\\u2028next\\u0000end\\tx");
    assertThat(safe.chars()).noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
  }

  @Test
  void a_backslash_is_doubled_so_that_an_escape_cannot_be_faked() {
    assertThat(PeerText.safe("\\n")).isEqualTo("\\\\n");
  }

  @Test
  void ordinary_names_in_any_script_are_kept_as_they_are() {
    assertThat(PeerText.safe("Org Zürich 東京 🚀")).isEqualTo("Org Zürich 東京 🚀");
  }

  @Test
  void a_long_text_is_cut_and_says_how_much_was_left_out() {
    String safe = PeerText.safe("x".repeat(10_000));

    assertThat(safe).startsWith("x".repeat(PeerText.MAX_LENGTH)).endsWith("...(" + (10_000 - PeerText.MAX_LENGTH)
        + " more characters)");
    assertThat(safe.length()).isLessThan(PeerText.MAX_LENGTH + 40);
    assertThat(PeerText.safe(null)).isEmpty();
  }

}
