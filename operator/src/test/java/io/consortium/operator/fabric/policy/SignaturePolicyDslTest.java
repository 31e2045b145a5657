package io.consortium.operator.fabric.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.MSPRole.MSPRoleType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The envelopes Fabric's own policyparser_test.go expects, built here by hand from the protos
 * exactly as that test builds them (SignedBy, NOutOf, MSPPrincipal ROLE), compared field for field.
 */
class SignaturePolicyDslTest {

  @Test
  void outOfOneAndTwoListPrincipalsInOrder() {
    assertThat(SignaturePolicyDsl.parse("OutOf(1, 'A.member', 'B.member')"))
        .isEqualTo(envelope(outOf(1, signedBy(0), signedBy(1)), role("A", MSPRoleType.MEMBER), role("B", MSPRoleType.MEMBER)));
    assertThat(SignaturePolicyDsl.parse("OutOf(2, 'A.member', 'B.member')"))
        .isEqualTo(envelope(outOf(2, signedBy(0), signedBy(1)), role("A", MSPRoleType.MEMBER), role("B", MSPRoleType.MEMBER)));
  }

  @Test
  void andIsAllOfItsArgumentsAndOrIsOne() {
    assertThat(SignaturePolicyDsl.parse("AND('A.member', 'B.member')"))
        .isEqualTo(envelope(outOf(2, signedBy(0), signedBy(1)), role("A", MSPRoleType.MEMBER), role("B", MSPRoleType.MEMBER)));
    assertThat(SignaturePolicyDsl.parse("OR('A.member', 'B.member')"))
        .isEqualTo(envelope(outOf(1, signedBy(0), signedBy(1)), role("A", MSPRoleType.MEMBER), role("B", MSPRoleType.MEMBER)));
    assertThat(SignaturePolicyDsl.parse("AND('A.client', 'B.peer')"))
        .isEqualTo(envelope(outOf(2, signedBy(0), signedBy(1)), role("A", MSPRoleType.CLIENT), role("B", MSPRoleType.PEER)));
  }

  @Test
  void nestedGatesNumberTheirPrincipalsBeforeTheOuterGateDoes() {
    // Fabric's TestComplex1: identities B, C, A.
    assertThat(SignaturePolicyDsl.parse("OR('A.member', AND('B.member', 'C.member'))"))
        .isEqualTo(envelope(outOf(1, signedBy(2), outOf(2, signedBy(0), signedBy(1))),
            role("B", MSPRoleType.MEMBER), role("C", MSPRoleType.MEMBER), role("A", MSPRoleType.MEMBER)));
    // Fabric's TestComplex2.
    assertThat(SignaturePolicyDsl.parse("OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))"))
        .isEqualTo(envelope(outOf(1, outOf(2, signedBy(0), signedBy(1)), outOf(1, signedBy(2), signedBy(3))),
            role("A", MSPRoleType.MEMBER), role("B", MSPRoleType.MEMBER), role("C", MSPRoleType.ADMIN), role("D", MSPRoleType.MEMBER)));
  }

  @Test
  void mspIdsWithDotsAndDashesAndEveryNodeOuRole() {
    assertThat(SignaturePolicyDsl.parse("OR('MSP.member', 'MSP.WITH.DOTS.member', 'MSP-WITH-DASHES.member')"))
        .isEqualTo(envelope(outOf(1, signedBy(0), signedBy(1), signedBy(2)),
            role("MSP", MSPRoleType.MEMBER), role("MSP.WITH.DOTS", MSPRoleType.MEMBER), role("MSP-WITH-DASHES", MSPRoleType.MEMBER)));
    assertThat(SignaturePolicyDsl.parse("OR('A.peer', 'B.admin', 'C.orderer', 'D.client')"))
        .isEqualTo(envelope(outOf(1, signedBy(0), signedBy(1), signedBy(2), signedBy(3)),
            role("A", MSPRoleType.PEER), role("B", MSPRoleType.ADMIN), role("C", MSPRoleType.ORDERER), role("D", MSPRoleType.CLIENT)));
  }

  @Test
  void aQuotedThresholdIsANumberAndZeroAndNPlusOneAreAllowed() {
    SignaturePolicyEnvelope twoMembers = envelope(outOf(1, signedBy(0), signedBy(1)), role("A", MSPRoleType.MEMBER), role("B", MSPRoleType.MEMBER));
    assertThat(SignaturePolicyDsl.parse("OutOf('1', 'A.member', 'B.member')")).isEqualTo(twoMembers);
    assertThat(SignaturePolicyDsl.parse("OutOf(0, 'A.member', 'B.member')").getRule().getNOutOf().getN()).isZero();
    assertThat(SignaturePolicyDsl.parse("OutOf(3, 'A.member', 'B.member')").getRule().getNOutOf().getN()).isEqualTo(3);
  }

  @Test
  void identitiesAreNotDeduplicatedAsFabricDoesNot() {
    SignaturePolicyEnvelope parsed = SignaturePolicyDsl.parse("AND('Org1MSP.peer', 'Org1MSP.peer')");

    assertThat(parsed).isEqualTo(envelope(outOf(2, signedBy(0), signedBy(1)), role("Org1MSP", MSPRoleType.PEER), role("Org1MSP", MSPRoleType.PEER)));
  }

  @Test
  void gateNamesAreAcceptedInFabricsThreeSpellingsAndDoubleQuotesToo() {
    SignaturePolicyEnvelope expected = SignaturePolicyDsl.parse("AND('A.member', 'B.member')");
    assertThat(SignaturePolicyDsl.parse("and(\"A.member\",\"B.member\")")).isEqualTo(expected);
    assertThat(SignaturePolicyDsl.parse("  And( 'A.member' ,\n 'B.member' ) ")).isEqualTo(expected);
    assertThat(SignaturePolicyDsl.parse("OUTOF(2, 'A.member', 'B.member')")).isEqualTo(expected);
  }

  @Test
  void theEnvelopeMarshalsToTheBytesFabricsProtosGive() throws Exception {
    SignaturePolicyEnvelope parsed = SignaturePolicyDsl.parse("AND('Org1MSP.peer', 'Org2MSP.member')");

    assertThat(SignaturePolicyEnvelope.parseFrom(parsed.toByteArray())).isEqualTo(parsed);
    assertThat(SignaturePolicyDsl.format(parsed)).isEqualTo("AND('Org1MSP.peer', 'Org2MSP.member')");
    assertThat(SignaturePolicyDsl.format(SignaturePolicyDsl.parse("OutOf(2, 'A.admin', OR('B.peer', 'C.peer'), 'D.client')")))
        .isEqualTo("OutOf(2, 'A.admin', OR('B.peer', 'C.peer'), 'D.client')");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                       | signature policy is empty",
        "OR('A.member', Bmember)                  | unrecognized token 'Bmember' at position 16",
        "OR('A.member', 'Bmember')                | unrecognized principal 'Bmember'",
        "OR('A.member', 'B.superuser')            | unrecognized principal 'B.superuser'",
        "OR('A_B.member')                         | unrecognized principal 'A_B.member'",
        "OutOf(1)                                 | OutOf needs a threshold and at least one principal or policy, got 1 argument",
        "OutOf(-1, 'A.member', 'B.member')        | invalid t-out-of-n predicate, t -1, n 2",
        "OutOf(4, 'A.member', 'B.member')         | invalid t-out-of-n predicate, t 4, n 2",
        "OutOf(1.5, 'A.member')                   | threshold must be a whole number",
        "OutOf('x', 'A.member')                   | threshold must be a whole number, found 'x'",
        "OutOf(AND('A.member'), 'B.member')       | OutOf needs a number first",
        "AND('A.member', 2)                       | unexpected number 2 at position 17",
        "XOR('A.member', 'B.member')              | unknown gate 'XOR' at position 1",
        "Outof(1, 'A.member')                     | unknown gate 'Outof'",
        "AND('A.member', 'B.member'               | expected ',' or ')' in AND(...), found the end of the policy",
        "AND('A.member' 'B.member')               | expected ',' or ')' in AND(...), found 'B.member'",
        "AND()                                    | AND() at position 1 has no arguments",
        "AND('A.member') OR('B.member')           | unexpected 'OR' at position 17 after the end of the policy",
        "'''A.member'''                           | signature policy must start with a gate, AND(...), OR(...) or OutOf(n, ...), found 'A.member'",
        "AND('A.member)                           | unterminated string starting at position 5",
        "AND('A.member'; 'B.member')              | unexpected character ';' at position 15",
        "AND                                      | expected '(' after AND, found the end of the policy",
      })
  void badPoliciesAreRefusedWithAClearReason(String policy, String reason) {
    assertThatThrownBy(() -> SignaturePolicyDsl.parse(policy))
        .isInstanceOf(PolicySyntaxException.class)
        .hasMessageContaining(reason);
  }

  private static SignaturePolicyEnvelope envelope(SignaturePolicy rule, MSPPrincipal... identities) {
    return SignaturePolicyEnvelope.newBuilder().setVersion(0).setRule(rule).addAllIdentities(List.of(identities)).build();
  }

  private static SignaturePolicy signedBy(int index) {
    return SignaturePolicy.newBuilder().setSignedBy(index).build();
  }

  private static SignaturePolicy outOf(int n, SignaturePolicy... rules) {
    return SignaturePolicy.newBuilder().setNOutOf(SignaturePolicy.NOutOf.newBuilder().setN(n).addAllRules(List.of(rules))).build();
  }

  private static MSPPrincipal role(String mspId, MSPRoleType role) {
    return MSPPrincipal.newBuilder()
        .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
        .setPrincipal(MSPRole.newBuilder().setMspIdentifier(mspId).setRole(role).build().toByteString())
        .build();
  }
}
