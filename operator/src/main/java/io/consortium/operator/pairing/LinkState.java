package io.consortium.operator.pairing;

import java.time.Instant;

/**
 * What the link of one pairing is doing right now, as the reconciler shows it in status.
 *
 * @param connected a session is up
 * @param since when the session came up, or when the link last went down
 * @param lastSeenAt when the peer was last heard from
 * @param problemReason the last failure's condition reason (PeerUnreachable, PinMismatch, ...), or null
 * @param problem the last failure in words, or null
 * @param gaveUp true when retrying cannot help (a refused redemption): a person must act
 */
public record LinkState(boolean connected, Instant since, Instant lastSeenAt, String problemReason, String problem,
    boolean gaveUp) {

  static LinkState connected(Instant since) {
    return new LinkState(true, since, since, null, null, false);
  }

  LinkState seen(Instant at) {
    return new LinkState(connected, since, at, problemReason, problem, gaveUp);
  }

  LinkState down(Instant at, String reason, String message, boolean permanent) {
    return new LinkState(false, at, lastSeenAt, reason, message, permanent);
  }
}
