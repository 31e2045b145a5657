package io.consortium.operator.besu;

/** Whether a validator vote adds an address to the validator set or removes it. */
public enum VoteKind {
  ADD,
  REMOVE;

  /** The {@code add} flag of {@code qbft_proposeValidatorVote}. */
  public boolean asAuthFlag() {
    return this == ADD;
  }

  public static VoteKind fromAuthFlag(boolean add) {
    return add ? ADD : REMOVE;
  }
}
