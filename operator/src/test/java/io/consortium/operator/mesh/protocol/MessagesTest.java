package io.consortium.operator.mesh.protocol;

import static io.consortium.operator.mesh.protocol.TestIdentities.newIdentity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.protocol.messages.AdvertisedNode;
import io.consortium.operator.mesh.protocol.messages.DecisionAttachment;
import io.consortium.operator.mesh.protocol.messages.DecisionOutcome;
import io.consortium.operator.mesh.protocol.messages.ErrorMessage;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.Inventory;
import io.consortium.operator.mesh.protocol.messages.InventoryDigest;
import io.consortium.operator.mesh.protocol.messages.InventoryEntry;
import io.consortium.operator.mesh.protocol.messages.NodeMetadata;
import io.consortium.operator.mesh.protocol.messages.NodeSet;
import io.consortium.operator.mesh.protocol.messages.PairingRevoked;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.mesh.protocol.messages.RedeemResult;
import io.consortium.operator.mesh.protocol.messages.RedemptionRefusal;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareExpire;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.mesh.protocol.messages.TransferStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class MessagesTest {

  private static final InstanceIdentity ORG1 = newIdentity("org1");
  private static final InstanceIdentity ORG2 = newIdentity("org2");
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00.5Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SHA = "ab".repeat(32);
  private static final UUID TRANSFER = UUID.fromString("0b5e2f7c-1d0a-4c51-9f0e-6a2b8c3d4e5f");

  static Stream<Record> oneOfEach() {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.putObject("publicKey").put("pem", "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n");
    NodeMetadata peer = new NodeMetadata("uid-p0", "peer0-org1", NodeType.FabricPeer, "Org1MSP", null,
        "peer0.org1.example.com:7051", "-----BEGIN CERTIFICATE-----\nTLSCA\n-----END CERTIFICATE-----\n", null);
    NodeMetadata besu = new NodeMetadata("uid-b0", "besu0", NodeType.BesuNode, null, "enode://" + "a".repeat(128)
        + "@10.0.0.1:30303", "10.0.0.1:8545", null, null);
    return Stream.of(
        new Hello("org1", ORG1.instanceId(), ORG1.certificateThumbprint(), 3L, List.of(1)),
        new Redeem("jti-1", "eyJ.eyJ.sig", "org2", Pem.certificate(ORG2.certificate())),
        RedeemResult.accepted(Flow.InviterToInvitee, "org1"),
        new PairingRevoked("org1 ended the partnership"),
        new NodeSet(List.of(peer, besu)),
        new ShareOffer("KeyShare", "uid-s1", "org1-ca", 2, NOW.plusSeconds(3600), payload, null),
        new ShareOffer("ChaincodeShare", "uid-c1", "basic-cc", 1, null, JsonNodeFactory.instance.objectNode(), TRANSFER),
        new ShareAck("KeyShare", "uid-s1", 2, SharePhase.Delivered),
        new ShareDecision("ConfigProposal", "uid-p1", 1, DecisionOutcome.Accepted, "org2-admin", NOW,
            new DecisionAttachment("FabricConfigSignature", "AQID", "Org2MSP CN=Admin@org2")),
        new ShareRevoke("KeyShare", "uid-s1"),
        new ShareExpire("KeyShare", "uid-s1"),
        new io.consortium.operator.mesh.protocol.messages.ShareResend("KeyShare", "uid-s1", 2),
        new InventoryDigest(SHA, 3, 1),
        new Inventory(Flow.Bidirectional,
            List.of(new InventoryEntry(ORG1.instanceId(), "KeyShare", "uid-s1", 2, SharePhase.Pending)),
            List.of(new AdvertisedNode(ORG1.instanceId(), "uid-p0", SHA))),
        new TransferManifest(TRANSFER, 10, 4, 3, SHA),
        new TransferStatus(TRANSFER, 2),
        new io.consortium.operator.mesh.protocol.messages.CertificateUpdate(Pem.certificate(ORG1.certificate()),
            NOW.plusSeconds(86_400)),
        new io.consortium.operator.mesh.protocol.messages.KeyRollover(ORG1.instanceId(), ORG2.instanceId(),
            Pem.certificate(ORG2.certificate()), NOW, NOW.plusSeconds(7 * 86_400), "eyJ.eyJ.sig"),
        new io.consortium.operator.mesh.protocol.messages.KeyRolloverAck(ORG2.instanceId()),
        new ErrorMessage("ChecksumMismatch", "transfer arrived with another SHA-256"));
  }

  @Test
  void there_is_one_sample_per_message_type_so_the_round_trip_covers_the_whole_vocabulary() {
    Set<MessageType> covered = oneOfEach().map(MessageType::of).collect(Collectors.toCollection(() -> EnumSet.noneOf(MessageType.class)));

    assertThat(covered).containsExactlyInAnyOrder(MessageType.values());
  }

  @ParameterizedTest
  @MethodSource("oneOfEach")
  void every_message_body_reads_back_equal_after_signing_and_opening(Record body) throws Exception {
    MessageType type = MessageType.of(body);
    Envelope sent = Messages.envelope(type, ORG1.instanceId(), ORG2.instanceId(), 3, 17, body, CLOCK);

    SignedEnvelope opened = EnvelopeCodec.open(EnvelopeCodec.sign(sent, ORG1), ORG1.keyPair().getPublic(), ORG2.instanceId());

    assertThat(opened.envelope()).isEqualTo(sent);
    assertThat(opened.envelope().v()).isEqualTo(1);
    assertThat(opened.envelope().sentAt()).isEqualTo(NOW);
    assertThat(UUID.fromString(opened.envelope().id())).isNotNull();
    assertThat(Messages.body(opened.envelope(), type.bodyType())).isEqualTo(body);
    assertThat(Messages.body(opened.envelope())).isEqualTo(body);
  }

  @Test
  void the_inviter_reads_the_invitees_certificate_from_a_redemption_to_pin_its_key() throws Exception {
    Redeem redeem = new Redeem("jti-1", "eyJ.eyJ.sig", "org2", Pem.certificate(ORG2.certificate()));

    assertThat(redeem.certificate().getPublicKey()).isEqualTo(ORG2.keyPair().getPublic());
    assertThatThrownBy(() -> new Redeem("jti-1", "eyJ.eyJ.sig", "org2", "no pem here").certificate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carries no certificate");
  }

  @Test
  void each_message_gets_its_own_id() {
    ShareRevoke body = new ShareRevoke("KeyShare", "uid-s1");

    Envelope first = Messages.envelope(MessageType.SHARE_REVOKE, ORG1.instanceId(), ORG2.instanceId(), 1, 1, body, CLOCK);
    Envelope second = Messages.envelope(MessageType.SHARE_REVOKE, ORG1.instanceId(), ORG2.instanceId(), 1, 2, body, CLOCK);

    assertThat(first.id()).isNotEqualTo(second.id());
  }

  @Test
  void the_position_can_come_straight_from_the_send_sequence() throws Exception {
    SendSequence sequence = new SendSequence(4);
    Envelope envelope = Messages.envelope(new ShareRevoke("KeyShare", "uid-s1"), ORG1.instanceId(), ORG2.instanceId(),
        sequence.next(), CLOCK);

    assertThat(envelope.type()).isEqualTo(MessageType.SHARE_REVOKE);
    assertThat(envelope.sequence()).isEqualTo(new SequenceNumber(4, 1));
  }

  @Test
  void a_field_a_newer_peer_added_is_ignored() throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("kind", "KeyShare").put("shareUid", "uid-s1").put("revision", 3)
        .put("phase", "Delivered").put("receivedBy", "a field from version 2");
    Envelope envelope = new Envelope(1, MessageType.SHARE_ACK, "m1", "a", "b", 1, 1, NOW, body);

    assertThat(Messages.body(envelope, ShareAck.class)).isEqualTo(new ShareAck("KeyShare", "uid-s1", 3, SharePhase.Delivered));
  }

  @Test
  void a_missing_required_field_makes_the_frame_malformed_and_names_the_field() {
    ObjectNode noUid = JsonNodeFactory.instance.objectNode().put("kind", "KeyShare").put("shareName", "ca")
        .put("revision", 1);
    noUid.putObject("payload");
    ObjectNode noRevision = JsonNodeFactory.instance.objectNode().put("shareUid", "uid-s1").put("phase", "Delivered");
    ObjectNode noAccepted = JsonNodeFactory.instance.objectNode().put("message", "?");

    assertMalformed(MessageType.SHARE_OFFER, noUid, "SHARE_OFFER has no shareUid");
    assertMalformed(MessageType.SHARE_ACK, noRevision, "field 'revision' is missing");
    assertMalformed(MessageType.REDEEM_RESULT, noAccepted, "REDEEM_RESULT has no accepted");
  }

  @Test
  void a_value_of_the_wrong_kind_makes_the_frame_malformed_and_names_the_field() {
    ObjectNode badPhase = JsonNodeFactory.instance.objectNode().put("shareUid", "u").put("revision", 1)
        .put("phase", "Teleported");
    ObjectNode badTime = JsonNodeFactory.instance.objectNode().put("shareUid", "u").put("revision", 1)
        .put("decision", "Accepted").put("decidedBy", "x").put("decidedAt", "soon");
    ObjectNode badList = JsonNodeFactory.instance.objectNode().put("nodes", "peer0");

    assertMalformed(MessageType.SHARE_ACK, badPhase, "'phase' has the value Teleported");
    assertMalformed(MessageType.SHARE_DECISION, badTime, "'decidedAt'");
    assertMalformed(MessageType.NODE_SET, badList, "'nodes'");
  }

  @Test
  void a_payload_string_longer_than_jacksons_default_limit_is_read() throws Exception {
    // About 19 MiB of package bytes as base64: 25 million characters, over Jackson's default of 20 million.
    String base64 = "A".repeat(25_000_000);
    JsonNode payload = ProtocolJson.MAPPER.readTree("{\"package\":\"" + base64 + "\"}");
    assertThat(payload.path("package").asText()).hasSize(25_000_000);
  }

  @Test
  void a_share_uid_or_kind_that_is_not_an_identifier_is_malformed_and_never_echoed() {
    // What a peer names reaches logs, labels and status: a newline in it could forge a log line.
    ObjectNode forgedUid = JsonNodeFactory.instance.objectNode().put("kind", "KeyShare")
        .put("shareUid", "u\n{\"kind\":\"KeyShare\",\"to\":\"Accepted\"}").put("revision", 1).put("phase", "Pending");
    ObjectNode longKind = JsonNodeFactory.instance.objectNode().put("kind", "K".repeat(300)).put("shareUid", "u");
    ObjectNode spacedName = JsonNodeFactory.instance.objectNode().put("kind", "KeyShare").put("shareUid", "u")
        .put("shareName", "org1 ca").put("revision", 1);
    spacedName.putObject("payload");

    assertMalformed(MessageType.SHARE_ACK, forgedUid, "SHARE_ACK's shareUid is not an identifier");
    assertMalformed(MessageType.SHARE_REVOKE, longKind, "SHARE_REVOKE's kind is not an identifier");
    assertMalformed(MessageType.SHARE_OFFER, spacedName, "shareName is not an identifier");
    assertThatThrownBy(() -> Messages.body(new Envelope(1, MessageType.SHARE_ACK, "m1", "a", "b", 1, 1, NOW, forgedUid)))
        .message().doesNotContain("\n").doesNotContain("Accepted");
  }

  @Test
  void a_decision_result_whose_data_is_not_base64_is_malformed() {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("shareUid", "u").put("revision", 1)
        .put("decision", "Accepted").put("decidedBy", "x").put("decidedAt", "2026-11-23T12:00:00Z");
    body.putObject("result").put("type", "FabricConfigSignature").put("data", "not base64!");

    assertMalformed(MessageType.SHARE_DECISION, body, "data is not base64");
  }

  @Test
  void a_refused_redemption_must_say_why_and_an_accepted_one_cannot() {
    assertThatThrownBy(() -> new RedeemResult(false, null, "no", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no reason");
    assertThatThrownBy(() -> new RedeemResult(true, RedemptionRefusal.InvitationRevoked, "?", Flow.Bidirectional, "org1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot carry a refusal reason");
    assertThat(RedeemResult.refused(RedemptionRefusal.RedemptionsExhausted, "used twice already").reason())
        .isEqualTo(RedemptionRefusal.RedemptionsExhausted);
  }

  @Test
  void reading_a_body_as_the_wrong_record_is_a_programming_error() {
    Envelope envelope = Messages.envelope(MessageType.SHARE_REVOKE, "a", "b", 1, 1, new ShareRevoke("KeyShare", "u"), CLOCK);

    assertThatThrownBy(() -> Messages.body(envelope, ShareExpire.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a SHARE_REVOKE body is a ShareRevoke");
    assertThatThrownBy(() -> Messages.envelope(MessageType.SHARE_EXPIRE, "a", "b", 1, 1, new ShareRevoke("KeyShare", "u"), CLOCK))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carries a ShareExpire");
  }

  @Test
  void both_sides_listing_the_same_shares_in_another_order_compute_the_same_inventory_digest() {
    InventoryEntry a = new InventoryEntry(ORG1.instanceId(), "KeyShare", "uid-a", 1, SharePhase.Accepted);
    InventoryEntry b = new InventoryEntry(ORG2.instanceId(), "NetworkShare", "uid-b", 4, SharePhase.Pending);
    AdvertisedNode n = new AdvertisedNode(ORG1.instanceId(), "uid-p0", SHA);
    Inventory org1View = new Inventory(Flow.Bidirectional, List.of(a, b), List.of(n));
    Inventory org2View = new Inventory(Flow.Bidirectional, List.of(b, a), List.of(n));

    assertThat(org1View.digest()).isEqualTo(org2View.digest()).matches("[0-9a-f]{64}");
    assertThat(org1View.toDigest().matches(org2View)).isTrue();
    assertThat(org1View.toDigest().shares()).isEqualTo(2);
  }

  @Test
  void a_decision_the_origin_never_heard_of_shows_as_a_different_inventory_digest() {
    InventoryEntry pending = new InventoryEntry(ORG1.instanceId(), "KeyShare", "uid-a", 1, SharePhase.Pending);
    InventoryEntry accepted = new InventoryEntry(ORG1.instanceId(), "KeyShare", "uid-a", 1, SharePhase.Accepted);
    InventoryEntry revised = new InventoryEntry(ORG1.instanceId(), "KeyShare", "uid-a", 2, SharePhase.Pending);

    String origin = new Inventory(Flow.Bidirectional, List.of(pending), List.of()).digest();

    assertThat(new Inventory(Flow.Bidirectional, List.of(accepted), List.of()).digest()).isNotEqualTo(origin);
    assertThat(new Inventory(Flow.Bidirectional, List.of(revised), List.of()).digest()).isNotEqualTo(origin);
    assertThat(new Inventory(Flow.InviterToInvitee, List.of(pending), List.of()).digest()).isNotEqualTo(origin);
    assertThat(new Inventory(Flow.Bidirectional, List.of(), List.of()).digest()).isNotEqualTo(origin);
  }

  @Test
  void an_error_from_a_newer_peer_with_a_reason_this_version_lacks_still_reads() {
    assertThat(new ErrorMessage("QuotaExceeded", "too many shares").knownError()).isEmpty();
    assertThat(new ErrorMessage("ChecksumMismatch", "bad").knownError()).contains(ProtocolError.ChecksumMismatch);
    assertThat(ErrorMessage.of(new ProtocolException(ProtocolError.Replayed, "old frame")))
        .isEqualTo(new ErrorMessage("Replayed", "old frame"));
  }

  @Test
  void every_protocol_error_name_is_a_distinct_condition_reason() {
    assertThat(Arrays.stream(ProtocolError.values()).map(Enum::name))
        .doesNotHaveDuplicates()
        .allMatch(name -> name.matches("[A-Z][A-Za-z]+"));
  }

  private static void assertMalformed(MessageType type, ObjectNode body, String messagePart) {
    Envelope envelope = new Envelope(1, type, "m1", "a", "b", 1, 1, NOW, body);
    assertThatThrownBy(() -> Messages.body(envelope))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.MalformedFrame))
        .hasMessageContaining("the " + type + " body is not valid")
        .hasMessageContaining(messagePart);
  }
}
