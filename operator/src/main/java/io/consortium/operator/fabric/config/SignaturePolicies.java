package io.consortium.operator.fabric.config;

import java.util.List;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;

/**
 * Signature policies built as protos, the way configtxgen's DSL makes them: {@code
 * OR('Org3MSP.admin')} is NOutOf(1, [SignedBy(0)]) over the principal ROLE(Org3MSP, ADMIN).
 */
public final class SignaturePolicies {

  private SignaturePolicies() {}

  /** A role principal {@code 'MSPID.role'}. */
  public record Role(String mspId, MSPRole.MSPRoleType role) {}

  /** {@code OutOf(n, 'A.role', 'B.role', ...)}; OR is n = 1, AND is n = all. */
  public static SignaturePolicyEnvelope outOf(int n, List<Role> roles) {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("a signature policy needs at least one principal");
    }
    if (n < 1 || n > roles.size()) {
      throw new IllegalArgumentException("OutOf(" + n + ") over " + roles.size() + " principals cannot be satisfied");
    }
    SignaturePolicyEnvelope.Builder envelope = SignaturePolicyEnvelope.newBuilder().setVersion(0);
    SignaturePolicy.NOutOf.Builder rule = SignaturePolicy.NOutOf.newBuilder().setN(n);
    List<MSPPrincipal> seen = new java.util.ArrayList<>();
    for (Role role : roles) {
      MSPPrincipal principal = MSPPrincipal.newBuilder()
          .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
          .setPrincipal(MSPRole.newBuilder().setMspIdentifier(role.mspId()).setRole(role.role()).build().toByteString())
          .build();
      // The DSL compiler lists each distinct principal once and points rules at its index.
      int index = seen.indexOf(principal);
      if (index < 0) {
        seen.add(principal);
        index = seen.size() - 1;
        envelope.addIdentities(principal);
      }
      rule.addRules(SignaturePolicy.newBuilder().setSignedBy(index));
    }
    return envelope.setRule(SignaturePolicy.newBuilder().setNOutOf(rule)).build();
  }

  public static SignaturePolicyEnvelope anyOf(String mspId, MSPRole.MSPRoleType... roles) {
    return outOf(1, java.util.Arrays.stream(roles).map(r -> new Role(mspId, r)).toList());
  }

  /** A channel config Policy of type SIGNATURE. */
  public static Policy policy(SignaturePolicyEnvelope envelope) {
    return Policy.newBuilder().setType(Policy.PolicyType.SIGNATURE_VALUE).setValue(envelope.toByteString()).build();
  }
}
