package io.consortium.operator.share.kinds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.ConfigProposalSpec;
import io.consortium.operator.api.v1alpha1.ConfigProposalStatus;
import io.consortium.operator.api.v1alpha1.spec.BesuValidatorChange;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.DecisionResult;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.FabricConfigUpdate;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.api.v1alpha1.spec.ProposalDecision;
import io.consortium.operator.api.v1alpha1.spec.ProposalPolicy;
import io.consortium.operator.api.v1alpha1.spec.ProposalSigner;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.besu.BesuNodeException;
import io.consortium.operator.besu.NodeAddress;
import io.consortium.operator.besu.ValidatorChange;
import io.consortium.operator.besu.ValidatorVoteClient;
import io.consortium.operator.fabric.config.ChannelMsp;
import io.consortium.operator.fabric.config.ChannelMsps;
import io.consortium.operator.fabric.config.ConfigChanges;
import io.consortium.operator.fabric.config.ConfigDocument;
import io.consortium.operator.fabric.config.ConfigUpdateSubmission;
import io.consortium.operator.fabric.config.MspSigner;
import io.consortium.operator.fabric.config.SignatureCheck;
import io.consortium.operator.fabric.config.UpdatePolicyCheck;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.messages.DecisionAttachment;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareContext;
import io.consortium.operator.share.ShareKind;
import io.consortium.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigSignature;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;

/**
 * ConfigProposal: a change several organizations must approve. Fabric: the origin sends the exact
 * ConfigUpdate bytes; an approving organization signs them locally with its own admin key and only
 * the ConfigSignature travels back, where the origin verifies it against the same bytes before
 * counting it; once the policy is met the origin writes the signed CONFIG_UPDATE envelope into a
 * ConfigMap for an admin to submit. Besu: the validator change each organization votes for on its
 * own nodes; an approval carries nothing back.
 *
 * <p>Counting: the members are the recipients plus the proposing organization, M = |spec.to| + 1.
 * The origin's approval counts for Fabric once it signed with spec.signer on the outgoing proposal
 * (its signature goes into the envelope like the others), and always for Besu (proposing is its
 * vote). ANY needs 1, MAJORITY M/2 + 1 (integer division, as Fabric's ImplicitMeta), ALL M, NOutOf n.
 * Each MSP counts once.
 */
public final class ConfigProposalKind extends BaseShareKind<ConfigProposal, ConfigProposalSpec, ConfigProposalStatus> {

  /** The attachment type of an approving organization's Fabric ConfigSignature. */
  public static final String FABRIC_SIGNATURE = "FabricConfigSignature";
  /** The attachment type saying that an approving organization voted on its own Besu validator. */
  public static final String BESU_VOTE = "BesuValidatorVote";
  private static final java.time.Duration VOTE_TIMEOUT = java.time.Duration.ofSeconds(5);
  /** Reasons a recipient entry gets once its signature was looked at. */
  public static final String SIGNATURE_VERIFIED = "SignatureVerified";
  public static final String SIGNATURE_INVALID = "SignatureInvalid";
  public static final String SIGNATURE_MISSING = "SignatureMissing";
  public static final String DUPLICATE_SIGNER = "DuplicateSigner";

  static final String ENVELOPE_KEY = "envelope.pb";
  static final String UPDATE_ENVELOPE_KEY = "update-envelope.pb";
  static final String UPDATE_ENVELOPE_SHA256 = "updateEnvelopeSha256";

  /** What travels: everything an approver reads and, for Fabric, the exact bytes it signs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Payload(Platform platform, String title, String description, ProposalPolicy policy, FabricPayload fabric,
      BesuPayload besu) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FabricPayload(String channelId, String configUpdate, String configUpdateSha256, List<String> changes) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record BesuPayload(BesuValidatorChange.Action action, String address) {}

  /** Approvals against the policy, and the signatures that go into the envelope (the origin's first). */
  record Tally(int approvals, int needed, int members, boolean possible, String rule, List<ConfigSignature> signatures,
      List<String> approvers) {
    boolean satisfied() {
      return approvals >= needed;
    }

    String summary() {
      return approvals + "/" + members + " (" + rule + " needs " + needed + ")"
          + (satisfied() ? ", met" : possible ? "" : ", cannot be met");
    }
  }

  public ConfigProposalKind(ShareContext context) {
    super(context, ConfigProposal.class, ConfigProposal::new, ConfigProposalSpec::new, ConfigProposalStatus::new);
  }

  // ---- outgoing --------------------------------------------------------------------------------

  @Override
  public JsonNode payload(ConfigProposal proposal, ConfigProposalStatus sent) throws InvalidShareSource {
    ConfigProposalSpec spec = proposal.getSpec();
    if (spec.platform == null || spec.title == null || spec.title.isBlank()) {
      throw new InvalidShareSource("SpecInvalid", "a ConfigProposal needs spec.platform (Fabric or Besu) and spec.title");
    }
    FabricPayload fabric = null;
    BesuPayload besu = null;
    if (spec.platform == Platform.Fabric) {
      if (spec.fabric == null) {
        throw new InvalidShareSource("SpecInvalid", "a Fabric proposal describes its update in spec.fabric");
      }
      ByteString update = configUpdate(spec.fabric);
      String sha256 = Sha256.hex(update.toByteArray());
      if (sent.configUpdateSha256 != null && !sent.configUpdateSha256.equals(sha256)
          && proposal.getMetadata().getGeneration().equals(sent.observedGeneration)) {
        // The signatures of this revision are over the bytes that were sent; new bytes need a new revision.
        throw new InvalidShareSource("ConfigUpdateChanged", "ConfigMap " + spec.fabric.configUpdateRef.name
            + " changed after revision " + sent.revision + " was sent (SHA-256 " + sent.configUpdateSha256 + ", now "
            + sha256 + "): put the new update under a new key or ConfigMap and point spec.fabric.configUpdateRef at it,"
            + " or restore the old bytes");
      }
      Optional<Channel> current = channelConfig(spec.fabric);
      List<String> changes = spec.fabric.changes != null && !spec.fabric.changes.isEmpty() ? spec.fabric.changes
          : current.isPresent() ? ConfigChanges.describe(current.get().config(), parseUpdate(update))
          : ConfigChanges.ofUpdate(parseUpdate(update));
      fabric = new FabricPayload(spec.fabric.channelId, base64(update.toByteArray()), sha256, changes);
      originSignature(spec.signer, sent, update);
    } else {
      if (spec.besu == null || spec.besu.action == null || spec.besu.address == null) {
        throw new InvalidShareSource("SpecInvalid", "a Besu proposal names spec.besu.action (Add or Remove) and spec.besu.address");
      }
      try {
        NodeAddress.parse(spec.besu.address);
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource("SpecInvalid", "spec.besu.address: " + e.getMessage());
      }
      besu = new BesuPayload(spec.besu.action, spec.besu.address);
    }
    return ProtocolJson.MAPPER.valueToTree(new Payload(spec.platform, spec.title, spec.description, spec.policy, fabric, besu));
  }

  /**
   * The ConfigUpdate bytes exactly as the origin's ConfigMap holds them: a ConfigUpdate (protobuf as
   * {@code configtxlator compute_update} writes it, or JSON marshalled once here), or the config_update
   * of a ConfigUpdateEnvelope or CONFIG_UPDATE envelope (its signatures are not carried).
   */
  private ByteString configUpdate(FabricConfigUpdate fabric) throws InvalidShareSource {
    if (fabric.configUpdateRef == null) {
      throw new InvalidShareSource("SourceNotFound", "an outgoing Fabric proposal needs spec.fabric.configUpdateRef: the"
          + " ConfigMap key holding the ConfigUpdate (configtxlator compute_update, or consortium-operator fabric"
          + " compute-update)");
    }
    String where = "ConfigMap " + fabric.configUpdateRef.name + " key " + fabric.configUpdateRef.key;
    byte[] raw = context.configMapBytes(fabric.configUpdateRef.name, fabric.configUpdateRef.key,
        "spec.fabric.configUpdateRef");
    ByteString bytes;
    try {
      ConfigDocument document = ConfigDocument.parse(raw);
      bytes = switch (document.kind()) {
        case CONFIG_UPDATE -> isJson(raw) ? document.message().toByteString() : ByteString.copyFrom(raw);
        case CONFIG_UPDATE_ENVELOPE, ENVELOPE -> document.updateEnvelope().getConfigUpdate();
        default -> throw new InvalidShareSource("SourceInvalid", where + " holds a "
            + document.kind().name().toLowerCase().replace('_', ' ') + ", not a config update: compute one with"
            + " configtxlator compute_update or consortium-operator fabric compute-update");
      };
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("SourceInvalid", where + " is not a Fabric config update: " + e.getMessage());
    }
    ConfigUpdate update = parseUpdate(bytes);
    if (!update.getChannelId().equals(fabric.channelId)) {
      throw new InvalidShareSource("ChannelMismatch", where + " is an update of channel '" + update.getChannelId()
          + "' but spec.fabric.channelId is '" + fabric.channelId + "'");
    }
    return bytes;
  }

  /** A channel's current config and the MSPs it defines. */
  private record Channel(Config config, Map<String, ChannelMsp> msps) {}

  /** The channel's current config, when the outgoing proposal names one. */
  private Optional<Channel> channelConfig(FabricConfigUpdate fabric) throws InvalidShareSource {
    if (fabric.channelConfigRef == null) {
      return Optional.empty();
    }
    String where = "ConfigMap " + fabric.channelConfigRef.name + " key " + fabric.channelConfigRef.key;
    byte[] raw = context.configMapBytes(fabric.channelConfigRef.name, fabric.channelConfigRef.key,
        "spec.fabric.channelConfigRef");
    ConfigDocument document;
    Channel channel;
    try {
      document = ConfigDocument.parse(raw);
      channel = new Channel(document.config(), ChannelMsps.of(document.config()));
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("SourceInvalid", where + " (spec.fabric.channelConfigRef) is not a channel config"
          + " block or config: " + e.getMessage());
    }
    if (document.channelId() != null && !document.channelId().equals(fabric.channelId)) {
      throw new InvalidShareSource("ChannelMismatch", where + " is the config of channel '" + document.channelId()
          + "' but spec.fabric.channelId is '" + fabric.channelId + "'");
    }
    return Optional.of(channel);
  }

  /** The origin signs too when it names a signer; made once per set of bytes and signer, kept in status. */
  private void originSignature(ProposalSigner signer, ConfigProposalStatus status, ByteString update)
      throws InvalidShareSource {
    DecisionResult existing = status.originSignature;
    if (signer == null) {
      status.originSignature = null;
      return;
    }
    MspSigner msp = signer(signer);
    if (existing != null && signerName(msp).equals(existing.signer) && verify(existing, update).valid()) {
      return;
    }
    DecisionResult made = new DecisionResult();
    made.type = FABRIC_SIGNATURE;
    made.data = base64(msp.signConfigUpdate(update).toByteArray());
    made.signer = signerName(msp);
    status.originSignature = made;
  }

  @Override
  public void decisionArrived(ConfigProposal outgoing, ConfigProposalStatus status, RecipientStatus recipient) {
    recipientsReconciled(outgoing, status);
  }

  /** Verifies every returned signature again, counts the approvals and, once they suffice, writes the envelope. */
  @Override
  public void recipientsReconciled(ConfigProposal outgoing, ConfigProposalStatus status) {
    ConfigProposalSpec spec = outgoing.getSpec();
    Long generation = outgoing.getMetadata().getGeneration();
    ByteString update = null;
    String unreadable = null;
    Channel current = null;
    if (spec.platform == Platform.Fabric && spec.fabric != null) {
      try {
        update = configUpdate(spec.fabric);
        current = channelConfig(spec.fabric).orElse(null);
        if (status.configUpdateSha256 != null && !status.configUpdateSha256.equals(Sha256.hex(update.toByteArray()))) {
          unreadable = "the ConfigMap no longer holds the bytes that were sent (SHA-256 " + status.configUpdateSha256 + ")";
          update = null;
        }
      } catch (InvalidShareSource e) {
        unreadable = e.getMessage();
        update = null;
      }
    }
    Tally tally = count(spec, status, update, unreadable, current == null ? null : current.msps());
    status.approvals = tally.approvals();
    status.approvalsNeeded = tally.needed();
    status.policySatisfied = tally.satisfied();
    status.policySummary = tally.summary();
    String approvers = tally.approvers().isEmpty() ? "no approval yet" : "approved by " + String.join(", ", tally.approvers());
    Conditions.set(status.conditions, "PolicySatisfied", tally.satisfied() ? ConditionStatus.True : ConditionStatus.False,
        tally.satisfied() ? "Met" : tally.possible() ? "WaitingForApprovals" : "CannotBeMet",
        tally.summary() + ": " + approvers, generation, context.clock());
    if (current != null && update != null) {
      ChannelPolicy channel = channelPolicy(current.config(), spec.fabric.channelId, update, tally.signatures());
      Conditions.set(status.conditions, "ChannelPolicy", channel.satisfied() ? ConditionStatus.True : ConditionStatus.False,
          channel.satisfied() ? "OrdererChecksPass" : "OrdererChecksFail", channel.message(), generation, context.clock());
    } else {
      Conditions.remove(status.conditions, "ChannelPolicy");
    }
    if (spec.platform == Platform.Fabric) {
      if (tally.satisfied() && update != null) {
        writeEnvelope(outgoing, status, update, tally);
      } else {
        withdrawEnvelope(status, generation, tally);
      }
    }
  }

  /**
   * The pure part of counting: marks each approving recipient's entry with what its signature is
   * worth and totals the approvals against the policy. {@code update} is the ConfigUpdate that was
   * sent (null when it cannot be read: then no Fabric signature can be verified, and {@code unreadable} says why).
   */
  static Tally count(ConfigProposalSpec spec, ConfigProposalStatus status, ByteString update, String unreadable) {
    return count(spec, status, update, unreadable, null);
  }

  /**
   * As {@link #count(ConfigProposalSpec, ConfigProposalStatus, ByteString, String)}; with the channel's
   * MSPs ({@code msps} not null) a signature counts only from an admin of an MSP of the channel.
   */
  static Tally count(ConfigProposalSpec spec, ConfigProposalStatus status, ByteString update, String unreadable,
      Map<String, ChannelMsp> msps) {
    boolean fabric = spec.platform == Platform.Fabric;
    List<ConfigSignature> signatures = new ArrayList<>();
    List<String> approvers = new ArrayList<>();
    Map<String, String> mspApprovedBy = new LinkedHashMap<>();
    int approvals = 0;
    if (!fabric) {
      approvals++;
      approvers.add("the proposing organization");
    } else if (status.originSignature != null && update != null) {
      SignatureCheck check = verify(status.originSignature, update, msps);
      if (check.valid()) {
        approvals++;
        signatures.add(parseSignature(status.originSignature));
        mspApprovedBy.put(check.mspId(), "the proposing organization");
        approvers.add(check.mspId() + " (the proposing organization)");
      }
    }
    int undecided = 0;
    List<String> to = spec.to == null ? List.of() : spec.to;
    for (RecipientStatus recipient : status.recipients) {
      if (!to.contains(recipient.pairing)) {
        continue;
      }
      if (recipient.phase == SharePhase.Pending || recipient.phase == SharePhase.Delivered) {
        undecided++;
        continue;
      }
      if (recipient.phase != SharePhase.Accepted) {
        continue;
      }
      if (!fabric) {
        approvals++;
        approvers.add(recipient.pairing);
        if (recipient.result != null && BESU_VOTE.equals(recipient.result.type)) {
          note(recipient, "VoteCast", "counted; it cast the vote on its own validator");
        }
        continue;
      }
      if (recipient.result == null || !FABRIC_SIGNATURE.equals(recipient.result.type)) {
        note(recipient, SIGNATURE_MISSING, "approved without a " + FABRIC_SIGNATURE + "; not counted");
        continue;
      }
      if (update == null) {
        note(recipient, SIGNATURE_INVALID, "not counted: the signature cannot be checked: " + unreadable);
        continue;
      }
      SignatureCheck check = verify(recipient.result, update, msps);
      if (!check.valid()) {
        note(recipient, SIGNATURE_INVALID, "not counted: " + check.line());
        continue;
      }
      String earlier = mspApprovedBy.putIfAbsent(check.mspId(), recipient.pairing);
      if (earlier != null) {
        note(recipient, DUPLICATE_SIGNER, "not counted: " + check.mspId() + " already approved through " + earlier);
        continue;
      }
      approvals++;
      signatures.add(parseSignature(recipient.result));
      approvers.add(check.mspId() + " (" + recipient.pairing + ")");
      note(recipient, SIGNATURE_VERIFIED, "counted: " + check.line() + " over the ConfigUpdate with SHA-256 "
          + Sha256.hex(update.toByteArray()));
    }
    int members = to.size() + 1;
    ProposalPolicy.Rule rule = spec.policy == null || spec.policy.rule == null ? ProposalPolicy.Rule.MAJORITY : spec.policy.rule;
    int needed = needed(rule, spec.policy == null ? null : spec.policy.n, members);
    return new Tally(approvals, needed, members, approvals + undecided >= needed, rule.name(), signatures, approvers);
  }

  /** Approvals a rule needs among {@code members} organizations (the recipients and the origin). */
  static int needed(ProposalPolicy.Rule rule, Integer n, int members) {
    return switch (rule) {
      case ANY -> 1;
      case MAJORITY -> members / 2 + 1;
      case ALL -> members;
      // An n above the members is kept: the proposal then shows that it cannot be met.
      case NOutOf -> n == null || n < 1 ? 1 : n;
    };
  }

  /** What the orderer would say of the update with these signatures, in one line. */
  record ChannelPolicy(boolean satisfied, String message) {}

  static ChannelPolicy channelPolicy(Config current, String channelId, ByteString update, List<ConfigSignature> signatures) {
    UpdatePolicyCheck check = UpdatePolicyCheck.check(current, channelId,
        ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update).addAllSignatures(signatures).build());
    List<String> lines = new ArrayList<>();
    check.items().forEach(item -> lines.add(item.line()));
    lines.addAll(check.problems());
    return new ChannelPolicy(check.satisfied(), (check.satisfied() ? "the orderer's checks pass with these signatures: "
        : "the orderer would refuse the update as signed so far: ") + String.join("; ", lines));
  }

  private void writeEnvelope(ConfigProposal outgoing, ConfigProposalStatus status, ByteString update, Tally tally) {
    ConfigUpdateEnvelope signed = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update)
        .addAllSignatures(tally.signatures()).build();
    String signedSha256 = Sha256.hex(signed.toByteArray());
    String name = ResourceNames.derived(outgoing.getMetadata().getName(), "-signed-update");
    ConfigMap existing = context.client().configMaps().inNamespace(context.namespace()).withName(name).get();
    if (existing == null || existing.getData() == null || !signedSha256.equals(existing.getData().get(UPDATE_ENVELOPE_SHA256))) {
      MspSigner submitter = null;
      if (outgoing.getSpec().signer != null) {
        try {
          submitter = signer(outgoing.getSpec().signer);
        } catch (InvalidShareSource e) {
          submitter = null; // the envelope then goes unsigned: peer channel update signs it
        }
      }
      var envelope = submitter != null ? ConfigUpdateSubmission.envelope(signed, submitter, context.clock().instant())
          : ConfigUpdateSubmission.unsigned(signed, context.clock().instant());
      Map<String, String> data = new LinkedHashMap<>();
      data.put("channel", outgoing.getSpec().fabric.channelId);
      data.put("configUpdateSha256", Sha256.hex(update.toByteArray()));
      data.put(UPDATE_ENVELOPE_SHA256, signedSha256);
      data.put("signatures", String.join("\n", tally.approvers()) + "\n");
      data.put("submit", submitCommand(name, outgoing.getSpec().fabric.channelId) + "\n");
      context.writeOwnedConfigMap(outgoing, name, Map.of("consortium.io/configproposal", outgoing.getMetadata().getName()),
          data, Map.of(ENVELOPE_KEY, envelope.toByteArray(), UPDATE_ENVELOPE_KEY, signed.toByteArray()));
    }
    status.envelopeConfigMap = name;
    Conditions.set(status.conditions, "EnvelopeReady", ConditionStatus.True, "SignedEnvelopeWritten",
        "ConfigMap " + name + " holds " + ENVELOPE_KEY + ", the CONFIG_UPDATE envelope with " + tally.signatures().size()
            + " signature" + (tally.signatures().size() == 1 ? "" : "s") + "; this operator reaches no orderer and does"
            + " not submit it: " + submitCommand(name, outgoing.getSpec().fabric.channelId),
        outgoing.getMetadata().getGeneration(), context.clock());
  }

  private void withdrawEnvelope(ConfigProposalStatus status, Long generation, Tally tally) {
    if (status.envelopeConfigMap != null) {
      // Written for approvals that no longer hold (a new revision reset them).
      context.client().configMaps().inNamespace(context.namespace()).withName(status.envelopeConfigMap).delete();
      status.envelopeConfigMap = null;
    }
    Conditions.set(status.conditions, "EnvelopeReady", ConditionStatus.False, "PolicyNotMet",
        "the signed envelope is written once the policy is met (" + tally.summary() + ")", generation, context.clock());
  }

  private static String submitCommand(String configMap, String channelId) {
    return "kubectl get configmap " + configMap + " -o jsonpath='{.binaryData.envelope\\.pb}' | base64 -d > envelope.pb &&"
        + " peer channel update -c " + channelId + " -f envelope.pb -o ORDERER:7050 --tls --cafile ORDERER_TLS_CA";
  }

  // ---- incoming --------------------------------------------------------------------------------

  @Override
  public void receive(ConfigProposalSpec spec, JsonNode payload) throws InvalidShareSource {
    Payload received = Payloads.read(payload, Payload.class, kind());
    if (received.platform() == null || received.title() == null) {
      throw new InvalidShareSource("PayloadInvalid", "a ConfigProposal payload without platform or title");
    }
    FabricConfigUpdate fabric = null;
    BesuValidatorChange besu = null;
    if (received.platform() == Platform.Fabric) {
      FabricPayload f = received.fabric();
      if (f == null || received.besu() != null || f.configUpdate() == null || f.channelId() == null) {
        throw new InvalidShareSource("PayloadInvalid", "a Fabric proposal payload without its channel and ConfigUpdate");
      }
      byte[] bytes = Payloads.verified(f.configUpdate(), f.configUpdateSha256(), "ConfigUpdate");
      ConfigUpdate update;
      try {
        update = parseUpdate(ByteString.copyFrom(bytes));
      } catch (InvalidShareSource e) {
        throw new InvalidShareSource("PayloadInvalid", "the ConfigUpdate received: " + e.getMessage());
      }
      Payloads.same(f.channelId(), update.getChannelId(), "channel of the ConfigUpdate");
      fabric = new FabricConfigUpdate();
      fabric.channelId = f.channelId();
      fabric.configUpdate = f.configUpdate();
      fabric.configUpdateSha256 = f.configUpdateSha256();
      fabric.changes = f.changes();
    } else {
      BesuPayload b = received.besu();
      if (b == null || received.fabric() != null || b.action() == null || b.address() == null) {
        throw new InvalidShareSource("PayloadInvalid", "a Besu proposal payload without its validator change");
      }
      try {
        NodeAddress.parse(b.address());
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource("PayloadInvalid", "the validator address: " + e.getMessage());
      }
      besu = new BesuValidatorChange();
      besu.action = b.action();
      besu.address = b.address();
    }
    spec.platform = received.platform();
    spec.title = received.title();
    spec.description = received.description();
    spec.policy = received.policy();
    spec.fabric = fabric;
    spec.besu = besu;
  }

  @Override
  public JsonNode payloadOf(ConfigProposalSpec incoming) {
    FabricPayload fabric = incoming.fabric == null ? null : new FabricPayload(incoming.fabric.channelId,
        incoming.fabric.configUpdate, incoming.fabric.configUpdateSha256, incoming.fabric.changes);
    BesuPayload besu = incoming.besu == null ? null : new BesuPayload(incoming.besu.action, incoming.besu.address);
    return ProtocolJson.MAPPER.valueToTree(new Payload(incoming.platform, incoming.title, incoming.description,
        incoming.policy, fabric, besu));
  }

  /**
   * Both sides: the ConfigUpdate's digest, channel and changes as its bytes say (the origin's
   * spec.fabric.changes is its own description, and may say anything).
   */
  @Override
  public void describe(ConfigProposalStatus status, JsonNode payload) {
    Payload read = Payloads.readValid(payload, Payload.class);
    status.configUpdateSha256 = null;
    status.channelId = null;
    status.changes = null;
    if (read.fabric() != null && read.fabric().configUpdate() != null) {
      byte[] bytes = Base64.getDecoder().decode(read.fabric().configUpdate());
      status.configUpdateSha256 = Sha256.hex(bytes);
      try {
        ConfigUpdate update = parseUpdate(ByteString.copyFrom(bytes));
        status.channelId = update.getChannelId();
        status.changes = ConfigChanges.ofUpdate(update);
      } catch (InvalidShareSource | RuntimeException e) {
        status.changes = List.of("the ConfigUpdate does not read: " + e.getMessage());
      }
    }
    if (status.direction == Direction.Incoming) {
      ProposalPolicy.Rule rule = read.policy() == null || read.policy().rule == null ? ProposalPolicy.Rule.MAJORITY
          : read.policy().rule;
      // The receiver does not know how many organizations the origin asked, only the rule.
      status.policySummary = rule == ProposalPolicy.Rule.NOutOf ? "needs " + read.policy().n + " approvals"
          : "needs " + rule;
    }
  }

  @Override
  public void acceptAutomatically(ConfigProposalSpec spec) {
    // A Fabric approval also needs spec.signer: until a person sets it the approval is held
    // (DecisionAttached=False, SignerMissing), and goes with the signature once it is set.
    spec.decision = ProposalDecision.Approve;
  }

  @Override
  public void withdrawDecision(ConfigProposalSpec spec) {
    spec.decision = null;
  }

  /** Approve on a Fabric proposal: the local admin signs the exact bytes received; only the signature travels. */
  @Override
  public Optional<DecisionAttachment> attachment(ConfigProposal incoming, boolean accepted) throws InvalidShareSource {
    ConfigProposalSpec spec = incoming.getSpec();
    if (accepted && spec.platform == Platform.Besu && spec.validatorRpcUrl != null) {
      return Optional.of(vote(spec));
    }
    if (!accepted || spec.platform != Platform.Fabric) {
      return Optional.empty();
    }
    if (spec.signer == null) {
      throw new InvalidShareSource("SignerMissing", "approving a Fabric proposal signs it with your organization's admin:"
          + " set spec.signer {mspId, secretName} (a Secret with cert.pem or tls.crt and key.pem or tls.key); the"
          + " approval is held until then");
    }
    if (spec.fabric == null || spec.fabric.configUpdate == null) {
      throw new InvalidShareSource("PayloadInvalid", "the proposal holds no ConfigUpdate to sign");
    }
    byte[] bytes = verifiedBytes(spec.fabric.configUpdate, spec.fabric.configUpdateSha256);
    MspSigner signer = signer(spec.signer);
    ConfigSignature signature = signer.signConfigUpdate(ByteString.copyFrom(bytes));
    return Optional.of(new DecisionAttachment(FABRIC_SIGNATURE, base64(signature.toByteArray()), signerName(signer)));
  }

  /**
   * Approve on a Besu proposal with a validator of one's own: the vote is cast on that node, which
   * applies it once more than half of the validators voted. Proposing the same vote again is
   * harmless (a node keeps one vote per address), so a retry after a lost status write is safe.
   */
  private static DecisionAttachment vote(ConfigProposalSpec spec) throws InvalidShareSource {
    ValidatorChange change;
    try {
      NodeAddress address = NodeAddress.parse(spec.besu.address);
      change = spec.besu.action == BesuValidatorChange.Action.Add ? ValidatorChange.add(address)
          : ValidatorChange.remove(address);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidShareSource("PayloadInvalid", "the proposal holds no validator change to vote for");
    }
    try (ValidatorVoteClient node = ValidatorVoteClient.connect(URI.create(spec.validatorRpcUrl), VOTE_TIMEOUT)) {
      node.propose(change);
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("VoteFailed", "spec.validatorRpcUrl: " + e.getMessage());
    } catch (BesuNodeException e) {
      throw new InvalidShareSource("VoteFailed", "the vote to " + change + " was not cast: " + e.getMessage()
          + "; the approval is held and tried again (remove spec.validatorRpcUrl to approve without voting here)");
    }
    return new DecisionAttachment(BESU_VOTE, base64(change.toString().getBytes(StandardCharsets.UTF_8)),
        "a validator of the approving organization");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The bytes to sign, only when they are what their SHA-256 says. */
  private static byte[] verifiedBytes(String base64, String sha256) throws InvalidShareSource {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("PayloadInvalid", "the ConfigUpdate is not base64: " + e.getMessage());
    }
    if (sha256 == null || !sha256.equalsIgnoreCase(Sha256.hex(bytes))) {
      throw new InvalidShareSource("ConfigUpdateMismatch", "the ConfigUpdate bytes have SHA-256 " + Sha256.hex(bytes)
          + " but the proposal says " + sha256 + "; nothing is signed");
    }
    return bytes;
  }

  /** The local admin identity of a signer Secret; its key is used here and never sent. */
  private MspSigner signer(ProposalSigner signer) throws InvalidShareSource {
    Map<String, String> secret = context.secretText(signer.secretName, "spec.signer.secretName");
    String certificate = secret.containsKey("cert.pem") ? secret.get("cert.pem") : secret.get("tls.crt");
    String key = secret.containsKey("key.pem") ? secret.get("key.pem") : secret.get("tls.key");
    if (certificate == null || key == null) {
      throw new InvalidShareSource("SignerInvalid", "Secret " + signer.secretName + " (spec.signer) needs the admin's"
          + " certificate (cert.pem or tls.crt) and EC private key (key.pem or tls.key); it has " + secret.keySet());
    }
    try {
      return new MspSigner(signer.mspId, certificate.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("SignerInvalid", "Secret " + signer.secretName + " (spec.signer) cannot sign: "
          + e.getMessage());
    }
  }

  private static String signerName(MspSigner signer) {
    return signer.mspId() + " " + ChannelMsp.subject(signer.certificate());
  }

  /** The checks that need no channel config: a low-S ECDSA signature by the named certificate over these bytes. */
  static SignatureCheck verify(DecisionResult result, ByteString update) {
    return verify(result, update, null);
  }

  /** With the channel's MSPs, also: the certificate chains to its MSP and is an admin there. */
  static SignatureCheck verify(DecisionResult result, ByteString update, Map<String, ChannelMsp> msps) {
    ConfigSignature signature;
    try {
      signature = ConfigSignature.parseFrom(Base64.getDecoder().decode(result.data == null ? "" : result.data));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return new SignatureCheck("", "", null, "the attachment is not a ConfigSignature");
    }
    if (signature.getSignature().isEmpty() || signature.getSignatureHeader().isEmpty()) {
      return new SignatureCheck("", "", null, "the ConfigSignature has no header or no signature");
    }
    return msps == null ? SignatureCheck.signed(signature, update) : SignatureCheck.of(signature, update, msps, true);
  }

  private static ConfigSignature parseSignature(DecisionResult result) {
    try {
      return ConfigSignature.parseFrom(Base64.getDecoder().decode(result.data));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a verified signature no longer parses", e);
    }
  }

  private static ConfigUpdate parseUpdate(ByteString bytes) throws InvalidShareSource {
    try {
      ConfigUpdate update = ConfigUpdate.parseFrom(bytes);
      if (update.getChannelId().isEmpty() || !update.hasWriteSet()) {
        throw new InvalidShareSource("SourceInvalid", "the ConfigUpdate names no channel or has no write set");
      }
      return update;
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidShareSource("SourceInvalid", "the ConfigUpdate does not parse: " + e.getMessage());
    }
  }

  private static boolean isJson(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b == '{';
      }
    }
    return false;
  }

  private static void note(RecipientStatus recipient, String reason, String message) {
    recipient.reason = reason;
    recipient.message = message;
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
