package io.consortium.operator.mesh.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  @Test
  void messages_in_order_are_all_accepted() {
    ReplayWindow window = new ReplayWindow();

    assertThat(window.accept(1, 1)).isTrue();
    assertThat(window.accept(1, 2)).isTrue();
    assertThat(window.accept(1, 5)).isTrue();
    assertThat(window.dropped()).isZero();
    assertThat(window.lastAccepted()).contains(new SequenceNumber(1, 5));
    assertThat(window.lastDropped()).isEmpty();
  }

  @Test
  void a_replayed_frame_is_dropped_and_counted_with_its_position_kept_for_diagnosis() {
    ReplayWindow window = new ReplayWindow();
    window.accept(3, 10);

    assertThat(window.accept(3, 10)).isFalse();
    assertThat(window.accept(3, 9)).isFalse();

    assertThat(window.dropped()).isEqualTo(2);
    assertThat(window.lastDropped()).contains(new SequenceNumber(3, 9));
    assertThat(window.lastAccepted()).contains(new SequenceNumber(3, 10));
  }

  @Test
  void a_handler_that_reports_drops_gets_a_replayed_error_naming_both_positions() throws Exception {
    ReplayWindow window = new ReplayWindow();
    window.admit(new SequenceNumber(2, 8));

    assertThatThrownBy(() -> window.admit(new SequenceNumber(2, 8)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.Replayed))
        .hasMessageContaining("a frame at (2, 8) was dropped: the link already accepted (2, 8)")
        .hasMessageContaining("1 dropped so far");
    assertThat(window.dropped()).isEqualTo(1);
  }

  @Test
  void a_restarted_sender_with_a_bumped_epoch_is_accepted_although_its_seq_starts_over() {
    ReplayWindow window = new ReplayWindow();
    window.accept(1, 5_000);

    assertThat(window.accept(2, 1)).isTrue();
    assertThat(window.accept(1, 5_001)).as("a late frame of the old session").isFalse();
    assertThat(window.dropped()).isEqualTo(1);
  }

  @Test
  void a_window_can_continue_from_a_position_accepted_before() {
    ReplayWindow window = new ReplayWindow(new SequenceNumber(4, 7));

    assertThat(window.accept(4, 7)).isFalse();
    assertThat(window.accept(new SequenceNumber(4, 8))).isTrue();
  }

  @Test
  void concurrent_deliveries_accept_each_position_at_most_once() throws Exception {
    ReplayWindow window = new ReplayWindow();
    int threads = 4;
    int perThread = 20_000;
    Set<Long> accepted = ConcurrentHashMap.newKeySet();
    AtomicLong acceptedCount = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        start.await();
        for (long seq = 1; seq <= perThread; seq++) {
          if (window.accept(1, seq)) {
            acceptedCount.incrementAndGet();
            assertThat(accepted.add(seq)).isTrue();
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> future : futures) {
      future.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(acceptedCount.get()).isEqualTo(accepted.size()).isLessThanOrEqualTo(perThread);
    assertThat(acceptedCount.get() + window.dropped()).isEqualTo((long) threads * perThread);
    assertThat(window.lastAccepted()).contains(new SequenceNumber(1, perThread));
  }

  @Test
  void a_sender_hands_out_strictly_increasing_positions_from_1_in_its_epoch() {
    SendSequence sequence = new SendSequence(9);

    assertThat(sequence.next()).isEqualTo(new SequenceNumber(9, 1));
    assertThat(sequence.next()).isEqualTo(new SequenceNumber(9, 2));
    assertThat(sequence.epoch()).isEqualTo(9);
  }

  @Test
  void a_sender_restarted_with_the_next_epoch_is_never_taken_for_a_replay() {
    ReplayWindow receiver = new ReplayWindow();
    SendSequence before = new SendSequence(1);
    for (int i = 0; i < 100; i++) {
      assertThat(receiver.accept(before.next())).isTrue();
    }

    SendSequence after = new SendSequence(SendSequence.epochAfter(before.epoch()));

    assertThat(after.epoch()).isEqualTo(2);
    assertThat(receiver.accept(after.next())).isTrue();
    assertThat(receiver.dropped()).isZero();
  }

  @Test
  void concurrent_senders_on_one_link_never_get_the_same_number() throws Exception {
    SendSequence sequence = new SendSequence(1);
    Set<SequenceNumber> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 5_000; i++) {
          assertThat(seen.add(sequence.next())).isTrue();
        }
        return null;
      }));
    }
    for (Future<?> future : futures) {
      future.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(seen).hasSize(20_000).contains(new SequenceNumber(1, 20_000));
  }

  @Test
  void negative_positions_do_not_exist() {
    assertThatThrownBy(() -> new SendSequence(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReplayWindow().accept(1, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be negative");
  }
}
