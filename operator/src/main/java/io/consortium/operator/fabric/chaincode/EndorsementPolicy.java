package io.consortium.operator.fabric.chaincode;

import io.consortium.operator.fabric.policy.SignaturePolicyDsl;
import java.util.regex.Pattern;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;

/**
 * A chaincode's (or a collection's) endorsement policy, as Fabric's {@code ApplicationPolicy}: a
 * signature policy written in Fabric's policy language, or a reference to a channel policy such as
 * {@code /Channel/Application/Endorsement}.
 */
public sealed interface EndorsementPolicy {

  /** The policy Fabric's peer uses when a definition names none. */
  String CHANNEL_DEFAULT = "/Channel/Application/Endorsement";

  ApplicationPolicy toApplicationPolicy();

  /** The policy as a person writes it: the DSL text or the channel policy path. */
  String text();

  /** A signature policy, compared by the envelope Fabric would marshal, not by its spelling. */
  record Signature(SignaturePolicyEnvelope envelope) implements EndorsementPolicy {
    @Override
    public ApplicationPolicy toApplicationPolicy() {
      return ApplicationPolicy.newBuilder().setSignaturePolicy(envelope).build();
    }

    @Override
    public String text() {
      return SignaturePolicyDsl.format(envelope);
    }
  }

  /** A reference to a policy of the channel configuration. */
  record ChannelReference(String path) implements EndorsementPolicy {
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    public ChannelReference {
      if (path == null || !PATH.matcher(path).matches()) {
        throw new IllegalArgumentException(
            "channel policy reference '" + path + "' must be an absolute policy path such as " + CHANNEL_DEFAULT);
      }
    }

    @Override
    public ApplicationPolicy toApplicationPolicy() {
      return ApplicationPolicy.newBuilder().setChannelConfigPolicyReference(path).build();
    }

    @Override
    public String text() {
      return path;
    }
  }

  static EndorsementPolicy signature(String dsl) {
    return new Signature(SignaturePolicyDsl.parse(dsl));
  }

  static EndorsementPolicy channelReference(String path) {
    return new ChannelReference(path);
  }

  static EndorsementPolicy channelDefault() {
    return new ChannelReference(CHANNEL_DEFAULT);
  }

  /** A path starting with '/' is a channel policy reference; anything else is the policy language. */
  static EndorsementPolicy parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("endorsement policy is empty");
    }
    String trimmed = text.strip();
    return trimmed.startsWith("/") ? channelReference(trimmed) : signature(trimmed);
  }

  /** Reads back what approve/commit carried. */
  static EndorsementPolicy of(ApplicationPolicy policy) {
    return switch (policy.getTypeCase()) {
      case SIGNATURE_POLICY -> new Signature(policy.getSignaturePolicy());
      case CHANNEL_CONFIG_POLICY_REFERENCE -> new ChannelReference(policy.getChannelConfigPolicyReference());
      case TYPE_NOT_SET -> throw new IllegalArgumentException("application policy has neither a signature policy nor a channel policy reference");
    };
  }
}
