package io.consortium.operator.fabric.config;

import com.google.protobuf.InvalidProtocolBufferException;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.Sha256;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.OrganizationUnit;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;

/**
 * Evaluates channel config policies against a set of signers as the orderer does (fabric
 * common/policies/implicitmeta.go and common/cauthdsl): ImplicitMeta ANY = 1, ALL = n, MAJORITY =
 * n/2 + 1 over the child groups' sub-policy (a missing one is not satisfied); signature policies
 * NOutOf where each signer satisfies at most one principal, signers counted once by MSP ID and
 * SHA-256 of the certificate. When not satisfied it says what is missing.
 */
public final class PolicyEvaluator {

  /** A signer whose signature verified and whose certificate is valid in its MSP. */
  public record Signer(String mspId, X509Certificate certificate) {
    String key() {
      return mspId + "/" + Sha256.hex(MspSigner.derOf(certificate));
    }
  }

  /** The answer: satisfied, or the sentence saying what is missing. */
  public record Outcome(boolean satisfied, String missing, Need need) {
    static Outcome yes() {
      return new Outcome(true, null, null);
    }

    static Outcome no(Need need) {
      return new Outcome(false, need.text(), need);
    }

    static Outcome no(String missing) {
      return new Outcome(false, missing, null);
    }
  }

  /** A need that reads simply: {@code count} more signatures of {@code role} from these MSPs. */
  public record Need(int count, String role, List<String> mspIds) {
    String text() {
      String signatures = count == 1 ? "signature" : "signatures";
      if (mspIds.size() == 1) {
        return "needs " + count + " more " + role + " " + signatures + " from " + mspIds.get(0);
      }
      if (count == 1) {
        return "needs 1 more " + role + " signature from " + String.join(" or ", mspIds);
      }
      if (count == mspIds.size()) {
        return "needs " + count + " more " + role + " signatures, one from each of " + String.join(", ", mspIds);
      }
      return "needs " + count + " more " + role + " signatures from " + count + " of " + String.join(", ", mspIds);
    }
  }

  private final Config config;
  private final Map<String, ChannelMsp> msps;

  public PolicyEvaluator(Config config) {
    this.config = config;
    this.msps = ChannelMsps.of(config);
  }

  public Map<String, ChannelMsp> msps() {
    return msps;
  }

  /** Keeps each signer once (MSP ID + SHA-256 of the certificate), in order. */
  public static List<Signer> distinct(List<Signer> signers) {
    Map<String, Signer> out = new LinkedHashMap<>();
    signers.forEach(s -> out.putIfAbsent(s.key(), s));
    return List.copyOf(out.values());
  }

  /** The absolute path of a policy named relative to a group, as Fabric prints it. */
  public static String absolute(List<String> groupPath, String policyName) {
    if (policyName.startsWith("/")) {
      return policyName;
    }
    StringBuilder sb = new StringBuilder("/Channel");
    groupPath.forEach(g -> sb.append('/').append(g));
    return sb.append('/').append(policyName).toString();
  }

  /** Evaluates the policy named (relative to the group at groupPath, or absolute /Channel/...). */
  public Outcome evaluate(List<String> groupPath, String policyName, List<Signer> signers) {
    List<String> path = new ArrayList<>(groupPath);
    String name = policyName;
    if (policyName.startsWith("/")) {
      List<String> parts = new ArrayList<>(Arrays.asList(policyName.substring(1).split("/")));
      if (parts.size() < 2 || !parts.get(0).equals("Channel")) {
        return Outcome.no("policy " + policyName + " is not a path below /Channel");
      }
      name = parts.remove(parts.size() - 1);
      path = parts.subList(1, parts.size());
    }
    ConfigGroup group = config.getChannelGroup();
    for (String g : path) {
      group = group.getGroupsMap().get(g);
      if (group == null) {
        return Outcome.no("policy " + absolute(path, name) + " does not exist (no group " + g + ")");
      }
    }
    ConfigPolicy policy = group.getPoliciesMap().get(name);
    if (policy == null) {
      return Outcome.no("policy " + absolute(path, name) + " does not exist");
    }
    return evaluate(group, path, policy.getPolicy(), distinct(signers));
  }

  private Outcome evaluate(ConfigGroup group, List<String> path, Policy policy, List<Signer> signers) {
    try {
      return switch (policy.getType()) {
        case Policy.PolicyType.SIGNATURE_VALUE -> signature(SignaturePolicyEnvelope.parseFrom(policy.getValue()), signers);
        case Policy.PolicyType.IMPLICIT_META_VALUE -> implicitMeta(group, path, ImplicitMetaPolicy.parseFrom(policy.getValue()), signers);
        default -> Outcome.no("policy type " + policy.getType() + " cannot be evaluated");
      };
    } catch (InvalidProtocolBufferException e) {
      return Outcome.no("a policy is corrupt: " + e.getMessage());
    }
  }

  private Outcome implicitMeta(ConfigGroup group, List<String> path, ImplicitMetaPolicy meta, List<Signer> signers) {
    int children = group.getGroupsCount();
    int threshold = switch (meta.getRule()) {
      case ANY -> 1;
      case ALL -> children;
      case MAJORITY -> children / 2 + 1;
      default -> Integer.MAX_VALUE;
    };
    if (children == 0) {
      threshold = 0; // fabric: with no sub-policies, 0 is any and majority
    }
    int satisfied = 0;
    List<Outcome> unsatisfied = new ArrayList<>();
    List<String> childNames = new ArrayList<>();
    for (var e : group.getGroupsMap().entrySet()) {
      ConfigPolicy sub = e.getValue().getPoliciesMap().get(meta.getSubPolicy());
      List<String> childPath = new ArrayList<>(path);
      childPath.add(e.getKey());
      Outcome outcome = sub == null
          ? Outcome.no(String.join("/", childPath) + " has no " + meta.getSubPolicy() + " policy")
          : evaluate(e.getValue(), childPath, sub.getPolicy(), signers);
      if (outcome.satisfied()) {
        satisfied++;
      } else {
        unsatisfied.add(outcome);
        childNames.add(e.getKey());
      }
    }
    if (satisfied >= threshold) {
      return Outcome.yes();
    }
    int more = threshold - satisfied;
    if (more > unsatisfied.size()) {
      return Outcome.no(meta.getRule() + " " + meta.getSubPolicy() + " needs " + threshold + " of " + children
          + " sub-groups but only " + (satisfied + unsatisfied.size()) + " can ever be satisfied");
    }
    // Simple case: every missing sub-group wants one more signature of the same role.
    String role = null;
    Set<String> mspIds = new LinkedHashSet<>();
    boolean simple = true;
    for (Outcome o : unsatisfied) {
      // Only when each sub-group waits for one signature from one MSP do the needs add up simply.
      if (o.need() == null || o.need().count() != 1 || o.need().mspIds().size() != 1
          || (role != null && !role.equals(o.need().role())) || !mspIds.add(o.need().mspIds().get(0))) {
        simple = false;
        break;
      }
      role = o.need().role();
    }
    if (simple && role != null) {
      return Outcome.no(new Need(more, role, List.copyOf(mspIds)));
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < unsatisfied.size(); i++) {
      parts.add(childNames.get(i) + " " + unsatisfied.get(i).missing());
    }
    return Outcome.no("needs " + more + " more of the " + meta.getSubPolicy() + " policies of: " + String.join("; ", parts));
  }

  private Outcome signature(SignaturePolicyEnvelope envelope, List<Signer> signers) {
    boolean[] used = new boolean[signers.size()];
    List<String> unmet = new ArrayList<>();
    boolean ok = rule(envelope.getRule(), envelope.getIdentitiesList(), signers, used, unmet);
    if (ok) {
      return Outcome.yes();
    }
    SignaturePolicy rule = envelope.getRule();
    if (rule.hasNOutOf() && rule.getNOutOf().getRulesList().stream().allMatch(SignaturePolicy::hasSignedBy)) {
      // A flat OutOf over role principals: say how many more signatures, of which role, from whom.
      int n = rule.getNOutOf().getN();
      int met = countMet(rule, envelope.getIdentitiesList(), signers);
      String role = null;
      Set<String> mspIds = new LinkedHashSet<>();
      boolean sameRole = true;
      for (String u : unmet) {
        String[] mr = u.split("\\.", 2);
        if (mr.length != 2 || (role != null && !role.equals(mr[1]))) {
          sameRole = false;
          break;
        }
        role = mr[1];
        mspIds.add(mr[0]);
      }
      if (sameRole && role != null) {
        return Outcome.no(new Need(n - met, role, List.copyOf(mspIds)));
      }
      return Outcome.no("needs " + (n - met) + " more signatures from " + String.join(", ", unmet.stream().map(u -> "'" + u + "'").toList()));
    }
    return Outcome.no("needs signatures satisfying " + PolicyText.of(envelope));
  }

  private int countMet(SignaturePolicy rule, List<MSPPrincipal> identities, List<Signer> signers) {
    boolean[] used = new boolean[signers.size()];
    int met = 0;
    for (SignaturePolicy r : rule.getNOutOf().getRulesList()) {
      if (rule(r, identities, signers, used, new ArrayList<>())) {
        met++;
      }
    }
    return met;
  }

  /** cauthdsl's evaluation: a SignedBy consumes the first unused signer that satisfies it. */
  private boolean rule(SignaturePolicy rule, List<MSPPrincipal> identities, List<Signer> signers, boolean[] used, List<String> unmet) {
    if (rule.hasSignedBy()) {
      int index = rule.getSignedBy();
      if (index < 0 || index >= identities.size()) {
        unmet.add("principal #" + index);
        return false;
      }
      MSPPrincipal principal = identities.get(index);
      for (int i = 0; i < signers.size(); i++) {
        if (!used[i] && satisfies(signers.get(i), principal)) {
          used[i] = true;
          return true;
        }
      }
      unmet.add(PolicyText.principal(principal));
      return false;
    }
    SignaturePolicy.NOutOf n = rule.getNOutOf();
    int verified = 0;
    for (SignaturePolicy sub : n.getRulesList()) {
      boolean[] attempt = used.clone();
      if (rule(sub, identities, signers, attempt, unmet)) {
        verified++;
        System.arraycopy(attempt, 0, used, 0, used.length);
      }
    }
    return verified >= n.getN();
  }

  private boolean satisfies(Signer signer, MSPPrincipal principal) {
    ChannelMsp msp = msps.get(signer.mspId());
    if (msp == null || msp.validate(signer.certificate()) != null) {
      return false;
    }
    try {
      return switch (principal.getPrincipalClassification()) {
        case ROLE -> {
          MSPRole role = MSPRole.parseFrom(principal.getPrincipal());
          yield role.getMspIdentifier().equals(signer.mspId()) && msp.hasRole(signer.certificate(), role.getRole());
        }
        case ORGANIZATION_UNIT -> {
          OrganizationUnit ou = OrganizationUnit.parseFrom(principal.getPrincipal());
          yield ou.getMspIdentifier().equals(signer.mspId())
              && ChannelMsp.organizationalUnits(signer.certificate()).contains(ou.getOrganizationalUnitIdentifier());
        }
        case IDENTITY -> {
          SerializedIdentity id = SerializedIdentity.parseFrom(principal.getPrincipal());
          yield id.getMspid().equals(signer.mspId())
              && Arrays.equals(MspSigner.derOf(Pem.oneCertificate(id.getIdBytes().toByteArray(), "identity principal")),
                  MspSigner.derOf(signer.certificate()));
        }
        default -> false;
      };
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return false;
    }
  }
}
