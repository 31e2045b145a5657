package io.consortium.operator.share;

import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Accepted;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Delivered;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Expired;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Pending;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Rejected;
import static io.consortium.operator.api.v1alpha1.spec.SharePhase.Revoked;

import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one state machine of every share kind, on both sides (DESIGN.md, "Lifecycle"):
 *
 * <pre>
 * outgoing, per recipient:  Pending -> Delivered -> Accepted | Rejected
 *                           Pending | Delivered -> Expired
 *                           any -> Revoked
 * incoming:                 Pending -> Accepted | Rejected | Expired
 *                           any -> Revoked (what was accepted is kept and marked)
 * both:                     a new revision from the origin takes any phase but Revoked back to Pending
 * outgoing, on resync:      Delivered -> Pending (the receiver no longer has what it acknowledged)
 * both, the pairing ended:  any -> Revoked (revoked, deleted, or revoked by the peer)
 * both, a new pairing:      Revoked -> Pending, only for a share that was Revoked because its pairing
 *                           ended, once it is offered over a live pairing again (decided anew)
 * </pre>
 *
 * Revoked by the origin is final. A decision is final for its revision. Everything else is refused
 * with a reason a person can act on, never applied.
 */
public final class ShareLifecycle {

  /** Why a phase moves; a new revision is the one move that may go backwards. */
  public enum Cause {
    DELIVERY,
    DECISION,
    EXPIRY,
    REVOCATION,
    NEW_REVISION,
    /** A resync found that the receiver no longer has what it acknowledged: deliver it again. */
    RESYNC,
    /** The pairing the share travels on was revoked or deleted, here or by the peer. */
    PAIRING_ENDED,
    /** A share that ended with its pairing is offered again over a new, live pairing with the same peer. */
    NEW_PAIRING
  }

  private static final Map<SharePhase, Set<SharePhase>> OUTGOING = new EnumMap<>(SharePhase.class);
  private static final Map<SharePhase, Set<SharePhase>> INCOMING = new EnumMap<>(SharePhase.class);

  static {
    OUTGOING.put(Pending, EnumSet.of(Delivered, Expired, Revoked));
    OUTGOING.put(Delivered, EnumSet.of(Accepted, Rejected, Expired, Revoked));
    OUTGOING.put(Accepted, EnumSet.of(Revoked));
    OUTGOING.put(Rejected, EnumSet.of(Revoked));
    OUTGOING.put(Expired, EnumSet.of(Revoked));
    OUTGOING.put(Revoked, EnumSet.noneOf(SharePhase.class));

    INCOMING.put(Pending, EnumSet.of(Accepted, Rejected, Expired, Revoked));
    INCOMING.put(Accepted, EnumSet.of(Revoked));
    INCOMING.put(Rejected, EnumSet.of(Revoked));
    INCOMING.put(Expired, EnumSet.of(Revoked));
    INCOMING.put(Revoked, EnumSet.noneOf(SharePhase.class));
    INCOMING.put(Delivered, EnumSet.noneOf(SharePhase.class));
  }

  private ShareLifecycle() {}

  /** Whether {@code from -> to} is a move of the lifecycle on that side, for that cause. */
  public static boolean allows(Direction side, SharePhase from, SharePhase to, Cause cause) {
    if (cause == Cause.NEW_REVISION) {
      return to == Pending && from != Revoked && (side == Direction.Outgoing || from != Delivered);
    }
    if (cause == Cause.RESYNC) {
      return side == Direction.Outgoing && from == Delivered && to == Pending;
    }
    if (cause == Cause.NEW_PAIRING) {
      // The caller checks that the revocation was the pairing's end, not the origin's word.
      return from == Revoked && to == Pending;
    }
    if (from == to) {
      return false;
    }
    Set<SharePhase> next = (side == Direction.Outgoing ? OUTGOING : INCOMING).get(from);
    if (!next.contains(to)) {
      return false;
    }
    return switch (cause) {
      case DELIVERY -> to == Delivered;
      case DECISION -> to == Accepted || to == Rejected;
      case EXPIRY -> to == Expired;
      case REVOCATION, PAIRING_ENDED -> to == Revoked;
      case NEW_REVISION, RESYNC, NEW_PAIRING -> false;
    };
  }

  /**
   * Moves a phase or refuses with the reason; the caller reports the refusal as a condition and an
   * Event and changes nothing.
   */
  public static SharePhase move(Direction side, SharePhase from, SharePhase to, Cause cause) {
    if (allows(side, from, to, cause)) {
      return to;
    }
    throw new IllegalTransition(side, from, to, explain(side, from, to, cause));
  }

  private static String explain(Direction side, SharePhase from, SharePhase to, Cause cause) {
    String where = (side == Direction.Outgoing ? "an outgoing share's recipient" : "an incoming share");
    if (from == Revoked) {
      return where + " is Revoked, which is final: the origin must share again";
    }
    if (from == to) {
      return where + " is already " + to;
    }
    if (cause == Cause.DECISION && (from == Accepted || from == Rejected)) {
      return where + " was already " + from + "; a decision is final for a revision: the origin can send a new revision";
    }
    if (cause == Cause.DECISION && from == Expired) {
      return where + " expired before a decision; the origin can send a new revision with a later spec.expiresAt";
    }
    if (side == Direction.Outgoing && cause == Cause.DECISION && from == Pending) {
      return "a recipient cannot decide on a share it has not acknowledged (Pending -> " + to + ")";
    }
    if (cause == Cause.EXPIRY) {
      return where + " that is " + from + " no longer expires";
    }
    return where + " cannot go from " + from + " to " + to;
  }

  /**
   * One line for the PHASE printer column of an outgoing share: the phase all recipients share,
   * or the most advanced count, such as {@code 2/3 Accepted}.
   */
  public static String summarize(List<RecipientStatus> recipients) {
    if (recipients == null || recipients.isEmpty()) {
      return "NoRecipients";
    }
    Map<SharePhase, Integer> counts = new EnumMap<>(SharePhase.class);
    for (RecipientStatus recipient : recipients) {
      counts.merge(recipient.phase == null ? Pending : recipient.phase, 1, Integer::sum);
    }
    int total = recipients.size();
    if (counts.size() == 1) {
      return counts.keySet().iterator().next().name();
    }
    StringBuilder line = new StringBuilder();
    for (SharePhase phase : List.of(Accepted, Rejected, Delivered, Pending, Expired, Revoked)) {
      Integer n = counts.get(phase);
      if (n != null) {
        if (line.length() > 0) {
          line.append(", ");
        }
        line.append(n).append('/').append(total).append(' ').append(phase.name());
      }
    }
    return line.toString();
  }

  /** A move the lifecycle does not allow. */
  public static final class IllegalTransition extends RuntimeException {
    private final Direction side;
    private final SharePhase from;
    private final SharePhase to;

    IllegalTransition(Direction side, SharePhase from, SharePhase to, String message) {
      super(message);
      this.side = side;
      this.from = from;
      this.to = to;
    }

    public Direction side() {
      return side;
    }

    public SharePhase from() {
      return from;
    }

    public SharePhase to() {
      return to;
    }
  }
}
