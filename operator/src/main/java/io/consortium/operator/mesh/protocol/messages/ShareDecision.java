package io.consortium.operator.mesh.protocol.messages;

import java.time.Instant;

/** SHARE_DECISION: the receiver's decision on a revision, and its attachment if it has one. */
public record ShareDecision(String kind, String shareUid, long revision, DecisionOutcome decision, String decidedBy,
    Instant decidedAt, DecisionAttachment result) {

  public ShareDecision {
    Required.identifier(kind, "SHARE_DECISION", "kind");
    Required.identifier(shareUid, "SHARE_DECISION", "shareUid");
    Required.revision(revision, "SHARE_DECISION " + shareUid);
    Required.present(decision, "SHARE_DECISION " + shareUid, "decision");
    Required.text(decidedBy, "SHARE_DECISION " + shareUid, "decidedBy");
    Required.present(decidedAt, "SHARE_DECISION " + shareUid, "decidedAt");
  }
}
