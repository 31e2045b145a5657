package io.consortium.operator.share;

import static io.consortium.operator.api.v1alpha1.spec.Direction.Incoming;
import static io.consortium.operator.api.v1alpha1.spec.Direction.Outgoing;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Accepted;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Delivered;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Expired;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Pending;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Rejected;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Revoked;
import static io.consortium.operator.share.ShareLifecycle.Cause.DECISION;
import static io.consortium.operator.share.ShareLifecycle.Cause.DELIVERY;
import static io.consortium.operator.share.ShareLifecycle.Cause.EXPIRY;
import static io.consortium.operator.share.ShareLifecycle.Cause.NEW_REVISION;
import static io.consortium.operator.share.ShareLifecycle.Cause.REVOCATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.share.ShareLifecycle.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShareLifecycleTest {

  @Test
  void org1s_share_to_org2_is_delivered_then_accepted() {
    SharePhase phase = ShareLifecycle.move(Outgoing, Pending, Delivered, DELIVERY);
    phase = ShareLifecycle.move(Outgoing, phase, Accepted, DECISION);
    assertThat(phase).isEqualTo(Accepted);
  }

  @Test
  void org2_cannot_accept_a_share_it_already_rejected() {
    assertThatThrownBy(() -> ShareLifecycle.move(Incoming, Rejected, Accepted, DECISION))
        .isInstanceOf(ShareLifecycle.IllegalTransition.class)
        .hasMessageContaining("decision is final")
        .hasMessageContaining("new revision");
  }

  @Test
  void a_revoked_share_stays_revoked_whatever_arrives_later_but_a_new_pairing() {
    for (Cause cause : Cause.values()) {
      for (SharePhase to : SharePhase.values()) {
        boolean reoffered = cause == Cause.NEW_PAIRING && to == Pending;
        assertThat(ShareLifecycle.allows(Outgoing, Revoked, to, cause)).as(cause + " -> " + to).isEqualTo(reoffered);
        assertThat(ShareLifecycle.allows(Incoming, Revoked, to, cause)).as(cause + " -> " + to).isEqualTo(reoffered);
      }
    }
    assertThatThrownBy(() -> ShareLifecycle.move(Incoming, Revoked, Pending, NEW_REVISION)).hasMessageContaining("final");
  }

  @Test
  void a_share_ends_with_its_pairing_whatever_its_phase() {
    for (SharePhase from : List.of(Pending, Delivered, Accepted, Rejected, Expired)) {
      assertThat(ShareLifecycle.allows(Outgoing, from, Revoked, Cause.PAIRING_ENDED)).as("outgoing " + from).isTrue();
    }
    for (SharePhase from : List.of(Pending, Accepted, Rejected, Expired)) {
      assertThat(ShareLifecycle.allows(Incoming, from, Revoked, Cause.PAIRING_ENDED)).as("incoming " + from).isTrue();
    }
    assertThat(ShareLifecycle.allows(Incoming, Revoked, Revoked, Cause.PAIRING_ENDED)).isFalse();
  }

  @Test
  void what_org2_accepted_is_kept_and_marked_revoked_when_org1_revokes() {
    assertThat(ShareLifecycle.move(Incoming, Accepted, Revoked, REVOCATION)).isEqualTo(Revoked);
    assertThat(ShareLifecycle.move(Outgoing, Accepted, Revoked, REVOCATION)).isEqualTo(Revoked);
  }

  @Test
  void only_undecided_shares_expire() {
    assertThat(ShareLifecycle.allows(Outgoing, Pending, Expired, EXPIRY)).isTrue();
    assertThat(ShareLifecycle.allows(Outgoing, Delivered, Expired, EXPIRY)).isTrue();
    assertThat(ShareLifecycle.allows(Incoming, Pending, Expired, EXPIRY)).isTrue();
    assertThat(ShareLifecycle.allows(Outgoing, Accepted, Expired, EXPIRY)).isFalse();
    assertThat(ShareLifecycle.allows(Incoming, Rejected, Expired, EXPIRY)).isFalse();
  }

  @Test
  void a_new_revision_takes_every_phase_but_revoked_back_to_pending() {
    for (SharePhase from : List.of(Pending, Delivered, Accepted, Rejected, Expired)) {
      assertThat(ShareLifecycle.allows(Outgoing, from, Pending, NEW_REVISION)).as("outgoing " + from).isTrue();
    }
    for (SharePhase from : List.of(Pending, Accepted, Rejected, Expired)) {
      assertThat(ShareLifecycle.allows(Incoming, from, Pending, NEW_REVISION)).as("incoming " + from).isTrue();
    }
  }

  @Test
  void the_whole_graph_is_exactly_the_designed_one() {
    Set<String> expected = Set.of(
        "Outgoing Pending->Delivered DELIVERY", "Outgoing Pending->Expired EXPIRY", "Outgoing Pending->Revoked REVOCATION",
        "Outgoing Delivered->Pending RESYNC", "Outgoing Delivered->Accepted DECISION", "Outgoing Delivered->Rejected DECISION",
        "Outgoing Delivered->Expired EXPIRY", "Outgoing Delivered->Revoked REVOCATION",
        "Outgoing Accepted->Revoked REVOCATION", "Outgoing Rejected->Revoked REVOCATION",
        "Outgoing Expired->Revoked REVOCATION",
        "Incoming Pending->Accepted DECISION", "Incoming Pending->Rejected DECISION",
        "Incoming Pending->Expired EXPIRY", "Incoming Pending->Revoked REVOCATION",
        "Incoming Accepted->Revoked REVOCATION", "Incoming Rejected->Revoked REVOCATION",
        "Incoming Expired->Revoked REVOCATION",
        // The pairing ended: every phase but Revoked ends; a share that ended so comes back over a new pairing.
        "Outgoing Pending->Revoked PAIRING_ENDED", "Outgoing Delivered->Revoked PAIRING_ENDED",
        "Outgoing Accepted->Revoked PAIRING_ENDED", "Outgoing Rejected->Revoked PAIRING_ENDED",
        "Outgoing Expired->Revoked PAIRING_ENDED", "Incoming Pending->Revoked PAIRING_ENDED",
        "Incoming Accepted->Revoked PAIRING_ENDED", "Incoming Rejected->Revoked PAIRING_ENDED",
        "Incoming Expired->Revoked PAIRING_ENDED",
        "Outgoing Revoked->Pending NEW_PAIRING", "Incoming Revoked->Pending NEW_PAIRING");
    List<String> actual = new ArrayList<>();
    for (Direction side : Direction.values()) {
      for (SharePhase from : SharePhase.values()) {
        for (SharePhase to : SharePhase.values()) {
          for (Cause cause : Cause.values()) {
            if (cause != NEW_REVISION && ShareLifecycle.allows(side, from, to, cause)) {
              actual.add(side + " " + from + "->" + to + " " + cause);
            }
          }
        }
      }
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void the_phase_column_reads_as_counts_when_recipients_differ() {
    assertThat(ShareLifecycle.summarize(List.of(recipient("org2", Accepted), recipient("org3", Accepted))))
        .isEqualTo("Accepted");
    assertThat(ShareLifecycle.summarize(List.of(recipient("org2", Accepted), recipient("org3", Rejected),
        recipient("org4", Accepted)))).isEqualTo("2/3 Accepted, 1/3 Rejected");
    assertThat(ShareLifecycle.summarize(List.of(recipient("org2", Delivered), recipient("org3", Pending))))
        .isEqualTo("1/2 Delivered, 1/2 Pending");
    assertThat(ShareLifecycle.summarize(List.of())).isEqualTo("NoRecipients");
  }

  private static RecipientStatus recipient(String pairing, SharePhase phase) {
    return new RecipientStatus(pairing, phase);
  }
}
