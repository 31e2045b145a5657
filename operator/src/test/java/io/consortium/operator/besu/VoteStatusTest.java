package io.consortium.operator.besu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VoteStatusTest {

  static List<NodeAddress> validators(int n) {
    List<NodeAddress> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(BftExtraDataTest.small(i));
    }
    return out;
  }

  static final NodeAddress NEWCOMER = BftExtraDataTest.small(0xabc);

  @ParameterizedTest(name = "{0} validators need {1} votes")
  @CsvSource({"1,1", "2,2", "3,2", "4,3", "5,3", "6,4", "7,4"})
  void aChangeNeedsMoreThanHalfOfTheCurrentValidators(int n, int needed) {
    assertThat(VoteStatus.votesNeeded(n)).isEqualTo(needed);
    // 2 * needed > n, and needed - 1 votes would not be more than half.
    assertThat(2 * needed).isGreaterThan(n);
    assertThat(2 * (needed - 1)).isLessThanOrEqualTo(n);
  }

  @ParameterizedTest(name = "adding a validator to {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
  void addingAValidatorIsPendingWithTheVotesCastSoFar(int n) {
    List<NodeAddress> set = validators(n);
    ValidatorChange add = ValidatorChange.add(NEWCOMER);
    int needed = n / 2 + 1;
    List<NodeAddress> voters = set.subList(0, needed - 1);

    VoteStatus status = VoteStatus.of(set, add, set, voters);

    assertThat(status).isInstanceOf(VoteStatus.Pending.class);
    assertThat(status.describe())
        .isEqualTo("pending: " + (needed - 1) + " of the needed " + needed
            + " votes cast by validators this node knows of (add " + NEWCOMER + ")");
  }

  @ParameterizedTest(name = "removing one of {0}")
  @ValueSource(ints = {2, 3, 4, 5, 6, 7})
  void removingAValidatorCountsOnlyCurrentValidatorsOnce(int n) {
    List<NodeAddress> set = validators(n);
    NodeAddress leaving = set.get(n - 1);
    List<NodeAddress> voters = new ArrayList<>(set.subList(0, Math.min(2, n)));
    voters.add(voters.get(0)); // reported twice
    voters.add(NEWCOMER); // not a validator: its vote does not count

    VoteStatus.Pending status =
        (VoteStatus.Pending) VoteStatus.of(set, ValidatorChange.remove(leaving), set, voters);

    assertThat(status.cast()).isEqualTo(Math.min(2, n));
    assertThat(status.needed()).isEqualTo(n / 2 + 1);
    assertThat(status.voters()).doesNotContain(NEWCOMER);
  }

  @Test
  void aChangeTheCurrentSetShowsIsApplied() {
    List<NodeAddress> before = validators(3);
    List<NodeAddress> after = new ArrayList<>(before);
    after.add(NEWCOMER);

    assertThat(VoteStatus.of(before, ValidatorChange.add(NEWCOMER), after, Set.of()).describe())
        .isEqualTo("applied: add " + NEWCOMER);
    assertThat(VoteStatus.of(after, ValidatorChange.remove(NEWCOMER), before, Set.of()))
        .isInstanceOf(VoteStatus.Applied.class);
  }

  @Test
  void removingTheLastValidatorCannotApply() {
    List<NodeAddress> one = validators(1);

    VoteStatus status = VoteStatus.of(one, ValidatorChange.remove(one.get(0)), one, one);

    assertThat(status).isInstanceOf(VoteStatus.CannotApply.class);
    assertThat(status.describe()).startsWith("cannot apply: removing").contains("last validator");
  }

  @Test
  void aChangeThatChangesNothingCannotApply() {
    List<NodeAddress> set = validators(4);

    assertThat(VoteStatus.of(set, ValidatorChange.add(set.get(0)), set, Set.of()).describe())
        .isEqualTo("cannot apply: " + set.get(0) + " was already a validator when the change was asked for");
    assertThat(VoteStatus.of(set, ValidatorChange.remove(NEWCOMER), set, Set.of()))
        .isInstanceOf(VoteStatus.CannotApply.class);
  }

  @Test
  void whenTheSetShrinksWhileVotingTheNeededCountFollowsTheCurrentSet() {
    List<NodeAddress> before = validators(5);
    List<NodeAddress> now = validators(3);

    VoteStatus.Pending status =
        (VoteStatus.Pending) VoteStatus.of(before, ValidatorChange.add(NEWCOMER), now, before);

    // Validators 4 and 5 left: their votes no longer count; 3 current validators need 2 votes.
    assertThat(status.cast()).isEqualTo(3);
    assertThat(status.needed()).isEqualTo(2);
    assertThat(status.describe()).endsWith("waiting for them to propose blocks");
  }
}
