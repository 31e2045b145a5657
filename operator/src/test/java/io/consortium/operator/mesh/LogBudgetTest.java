package io.consortium.operator.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A peer cannot fill the log: a burst goes through, then one line per interval, and the rest is counted. */
class LogBudgetTest {

  @Test
  void a_log_budget_lets_a_burst_through_then_one_line_per_interval_and_counts_the_rest() {
    AtomicLong now = new AtomicLong();
    LogBudget budget = new LogBudget(3, Duration.ofSeconds(3), now::get);

    int logged = 0;
    for (int i = 0; i < 100; i++) {
      logged += budget.allow() ? 1 : 0;
    }
    assertThat(logged).isEqualTo(3);
    assertThat(budget.takeWithheld()).isEqualTo(97);
    assertThat(budget.takeWithheld()).isZero();

    now.addAndGet(Duration.ofSeconds(3).toNanos());
    assertThat(budget.allow()).isTrue();
    assertThat(budget.allow()).isFalse();
    now.addAndGet(Duration.ofHours(1).toNanos());
    int afterAnHour = 0;
    for (int i = 0; i < 10; i++) {
      afterAnHour += budget.allow() ? 1 : 0;
    }
    assertThat(afterAnHour).as("the burst refills, no further").isEqualTo(3);
  }
}
