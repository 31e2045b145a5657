package io.consortium.operator.fabric.config;

import com.google.protobuf.InvalidProtocolBufferException;
import io.consortium.operator.pki.Pem;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.OrganizationUnit;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;

/** A policy as people write it: {@code OR('Org1MSP.admin')}, {@code MAJORITY Admins}. */
public final class PolicyText {

  private PolicyText() {}

  public static String of(Policy policy) {
    try {
      return switch (policy.getType()) {
        case Policy.PolicyType.SIGNATURE_VALUE -> of(SignaturePolicyEnvelope.parseFrom(policy.getValue()));
        case Policy.PolicyType.IMPLICIT_META_VALUE -> {
          ImplicitMetaPolicy meta = ImplicitMetaPolicy.parseFrom(policy.getValue());
          yield meta.getRule() + " " + meta.getSubPolicy();
        }
        default -> "policy of type " + policy.getType();
      };
    } catch (InvalidProtocolBufferException e) {
      return "corrupt policy";
    }
  }

  public static String of(SignaturePolicyEnvelope envelope) {
    return rule(envelope.getRule(), envelope.getIdentitiesList());
  }

  private static String rule(SignaturePolicy rule, List<MSPPrincipal> identities) {
    if (rule.hasSignedBy()) {
      int i = rule.getSignedBy();
      return i < identities.size() ? "'" + principal(identities.get(i)) + "'" : "'?" + i + "'";
    }
    SignaturePolicy.NOutOf n = rule.getNOutOf();
    List<String> parts = new ArrayList<>();
    n.getRulesList().forEach(r -> parts.add(rule(r, identities)));
    if (n.getN() == 1 && parts.size() >= 1) {
      return "OR(" + String.join(", ", parts) + ")";
    }
    if (n.getN() == parts.size()) {
      return "AND(" + String.join(", ", parts) + ")";
    }
    return "OutOf(" + n.getN() + ", " + String.join(", ", parts) + ")";
  }

  static String principal(MSPPrincipal principal) {
    try {
      return switch (principal.getPrincipalClassification()) {
        case ROLE -> {
          MSPRole role = MSPRole.parseFrom(principal.getPrincipal());
          yield role.getMspIdentifier() + "." + role.getRole().name().toLowerCase();
        }
        case ORGANIZATION_UNIT -> {
          OrganizationUnit ou = OrganizationUnit.parseFrom(principal.getPrincipal());
          yield ou.getMspIdentifier() + ".OU=" + ou.getOrganizationalUnitIdentifier();
        }
        case IDENTITY -> {
          SerializedIdentity id = SerializedIdentity.parseFrom(principal.getPrincipal());
          yield id.getMspid() + ".identity(" + ChannelMsp.subject(Pem.oneCertificate(id.getIdBytes().toByteArray(), "identity principal")) + ")";
        }
        default -> principal.getPrincipalClassification().name().toLowerCase();
      };
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return "corrupt principal";
    }
  }
}
