package io.consortium.operator.besu;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a validator change stands, answered from the validator set before the change was asked
 * for, the current set, and the validators known (from their own nodes' pending votes) to vote
 * for it. Besu applies a change once more than half of the current validators voted for it
 * ({@code size / 2 + 1}, VoteTally.validatorLimit), counting each validator once.
 */
public sealed interface VoteStatus {

  /** The one line a person reads, e.g. in a ConfigProposal's status. */
  String describe();

  /** The current validator set already shows the change. */
  record Applied(ValidatorChange change) implements VoteStatus {
    @Override
    public String describe() {
      return "applied: " + change;
    }
  }

  /** Not applied yet; {@code cast} of the {@code needed} votes are known to be cast. */
  record Pending(ValidatorChange change, int cast, int needed, Set<NodeAddress> voters)
      implements VoteStatus {
    public Pending {
      voters = Set.copyOf(voters);
    }

    @Override
    public String describe() {
      // A vote counts when its validator proposes a block: enough voters may still be waiting.
      String waiting = cast >= needed ? "; waiting for them to propose blocks" : "";
      return "pending: " + cast + " of the needed " + needed
          + " votes cast by validators this node knows of (" + change + ")" + waiting;
    }
  }

  /** The change cannot take effect as asked, with the reason. */
  record CannotApply(ValidatorChange change, String reason) implements VoteStatus {
    @Override
    public String describe() {
      return "cannot apply: " + reason;
    }
  }

  /** Votes needed for a change among {@code validatorCount} current validators. */
  static int votesNeeded(int validatorCount) {
    return validatorCount / 2 + 1;
  }

  static VoteStatus of(
      Collection<NodeAddress> before,
      ValidatorChange change,
      Collection<NodeAddress> current,
      Collection<NodeAddress> knownVoters) {
    Set<NodeAddress> was = new TreeSet<>(before);
    Set<NodeAddress> now = new TreeSet<>(current);
    NodeAddress subject = change.validator();
    boolean adding = change.kind() == VoteKind.ADD;
    if (now.isEmpty()) {
      return new CannotApply(change, "the current validator set is empty");
    }
    if (adding && was.contains(subject)) {
      return new CannotApply(change, subject + " was already a validator when the change was asked for");
    }
    if (!adding && !was.contains(subject)) {
      return new CannotApply(change, subject + " was not a validator when the change was asked for");
    }
    if (adding == now.contains(subject)) {
      return new Applied(change);
    }
    if (!adding && now.size() == 1) {
      return new CannotApply(change, "removing " + subject + ", the last validator, would stop the chain");
    }
    // Only current validators' votes count, once each (a removed validator's vote is dropped).
    Set<NodeAddress> voters = new TreeSet<>(knownVoters);
    voters.retainAll(now);
    return new Pending(change, voters.size(), votesNeeded(now.size()), voters);
  }
}
