package io.consortium.operator.share;

import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.messages.DecisionAttachment;
import io.consortium.operator.mesh.protocol.messages.DecisionOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the link and the pairings said about shares, kept until a reconcile has written it into the
 * share's status. Link handlers and timers only record a fact and ask for a reconcile; the reconcile
 * is the one writer of a share's status, and takes the facts in the order they came. A fact is let go
 * once the status that holds it is written, so a failed write loses nothing: the next reconcile
 * applies it again (every fact applies idempotently).
 */
final class ShareFacts {

  /** One thing that happened to a share, for the recipient or origin reached over {@code pairing}. */
  sealed interface Fact {
    String pairing();
  }

  /**
   * Outgoing: the receiver stored a revision (phase Pending), confirmed a revocation (Revoked), or
   * refused a revision (with its reason and message).
   */
  record Acknowledged(String pairing, long revision, SharePhase phase, String refusalReason, String refusalMessage)
      implements Fact {

    boolean refused() {
      return refusalReason != null;
    }
  }

  /** Outgoing: the receiver's decision on a revision, with what it carried back. */
  record Decided(String pairing, long revision, DecisionOutcome outcome, String decidedBy, Instant decidedAt,
      DecisionAttachment result) implements Fact {}

  /** Outgoing: a resync found that the receiver no longer has what it acknowledged. */
  record MissingOnReceiver(String pairing) implements Fact {}

  /** Both sides: the pairing was revoked or deleted, here or by the peer. */
  record PairingEnded(String pairing, String reason, String message) implements Fact {}

  /** Incoming: the origin took the share back (SHARE_REVOKE, or gone from its inventory at a resync). */
  record RevokedByOrigin(String pairing) implements Fact {}

  /** Incoming: a share that ended with its pairing was offered again over a new, live one. */
  record Reoffered(String pairing, String endedBecause) implements Fact {}

  /** Incoming: the link to the origin came up (or a resync found the origin had not heard): a decision is sent again. */
  record LinkUp(String pairing) implements Fact {}

  private final Map<String, List<Fact>> byShare = new ConcurrentHashMap<>();

  /** Keeps a fact about share {@code name} until a reconcile has written it. */
  void record(String name, Fact fact) {
    byShare.compute(name, (n, facts) -> {
      List<Fact> next = facts == null ? new ArrayList<>() : new ArrayList<>(facts);
      next.add(fact);
      return next;
    });
  }

  /** The facts about share {@code name} not yet written, in the order they came. */
  List<Fact> pending(String name) {
    List<Fact> facts = byShare.get(name);
    return facts == null ? List.of() : List.copyOf(facts);
  }

  /** The status holding {@code written} is stored: they are let go (facts that came since stay). */
  void written(String name, List<Fact> written) {
    if (written.isEmpty()) {
      return;
    }
    byShare.computeIfPresent(name, (n, facts) -> {
      List<Fact> left = new ArrayList<>(facts);
      for (Fact fact : written) {
        // By identity: an equal fact that came again after the snapshot is news of its own.
        for (int i = 0; i < left.size(); i++) {
          if (left.get(i) == fact) {
            left.remove(i);
            break;
          }
        }
      }
      return left.isEmpty() ? null : left;
    });
  }

  /** The share is gone: nothing about it is kept. */
  void forget(String name) {
    byShare.remove(name);
  }
}
