package io.consortium.operator.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.share.ShareFacts.Acknowledged;
import io.consortium.operator.share.ShareFacts.Fact;
import io.consortium.operator.share.ShareFacts.LinkUp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the link tells the share engine about a share, kept until a reconcile has written a status
 * that holds it: nothing is lost when a status write fails or when a fact arrives during a reconcile.
 */
class ShareFactsTest {

  private final ShareFacts facts = new ShareFacts();

  @Test
  void org2s_acknowledgement_is_kept_until_the_status_that_holds_it_is_written() {
    facts.record("admin-key", new Acknowledged("org2", 1, SharePhase.Pending, null, null));

    List<Fact> seen = facts.pending("admin-key");
    assertThat(seen).hasSize(1);
    // The write failed (a conflict, the API server away): the next reconcile sees it again.
    assertThat(facts.pending("admin-key")).isEqualTo(seen);

    facts.written("admin-key", seen);
    assertThat(facts.pending("admin-key")).isEmpty();
  }

  @Test
  void a_fact_that_arrives_while_a_reconcile_runs_waits_for_the_next_one() {
    facts.record("admin-key", new Acknowledged("org2", 1, SharePhase.Pending, null, null));
    List<Fact> seen = facts.pending("admin-key");

    Acknowledged org3 = new Acknowledged("org3", 1, SharePhase.Pending, null, null);
    facts.record("admin-key", org3);
    facts.written("admin-key", seen);

    assertThat(facts.pending("admin-key")).containsExactly(org3);
  }

  @Test
  void the_same_news_twice_is_two_facts_and_each_is_let_go_once_written() {
    LinkUp first = new LinkUp("org1");
    facts.record("org1-ca", first);
    List<Fact> seen = facts.pending("org1-ca");
    LinkUp again = new LinkUp("org1");
    facts.record("org1-ca", again);

    facts.written("org1-ca", seen);

    assertThat(facts.pending("org1-ca")).as("the link came up again after the reconcile looked").hasSize(1)
        .first().isSameAs(again);
  }

  @Test
  void facts_in_the_order_they_came_and_per_share() {
    Fact a = new LinkUp("org1");
    Fact b = new Acknowledged("org2", 2, SharePhase.Pending, null, null);
    facts.record("x", a);
    facts.record("y", new LinkUp("org3"));
    facts.record("x", b);

    assertThat(facts.pending("x")).containsExactly(a, b);
    assertThat(facts.pending("y")).hasSize(1);
  }

  @Test
  void a_deleted_share_keeps_nothing() {
    facts.record("admin-key", new LinkUp("org2"));
    facts.forget("admin-key");
    assertThat(facts.pending("admin-key")).isEmpty();
  }
}
