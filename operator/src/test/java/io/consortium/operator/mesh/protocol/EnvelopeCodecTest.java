package io.consortium.operator.mesh.protocol;

import static io.consortium.operator.mesh.protocol.TestIdentities.newIdentity;
import static io.consortium.operator.mesh.protocol.TestIdentities.rawFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.SelfSignedCertificates;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

  private static final InstanceIdentity ORG1 = newIdentity("org1");
  private static final InstanceIdentity ORG2 = newIdentity("org2");
  private static final InstanceIdentity MALLORY = newIdentity("mallory");
  private static final Instant SENT = Instant.parse("2026-11-23T12:34:56.123456789Z");

  private static Envelope envelope(InstanceIdentity from, InstanceIdentity to, int v, JsonNode body) {
    return new Envelope(v, MessageType.SHARE_REVOKE, "6f1c8a52-9a43-4c1e-b3c6-2d0e3c1f7a11", from.instanceId(),
        to.instanceId(), 7, 42, SENT, body);
  }

  private static ObjectNode body() {
    return JsonNodeFactory.instance.objectNode().put("shareUid", "uid-1");
  }

  private static String json(InstanceIdentity from, InstanceIdentity to, int v, String type) {
    return "{\"v\":" + v + ",\"type\":\"" + type + "\",\"id\":\"m1\",\"from\":\"" + from.instanceId() + "\",\"to\":\""
        + to.instanceId() + "\",\"epoch\":1,\"seq\":1,\"sentAt\":\"2026-11-23T12:00:00Z\",\"body\":{\"shareUid\":\"u\"}}";
  }

  private static void assertRefused(ThrowingCallable open, ProtocolError error, String messagePart) {
    assertThatThrownBy(open)
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(error))
        .hasMessageContaining(messagePart);
  }

  @Test
  void org2_opens_what_org1_signed_and_gets_every_field_back_exactly() throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("text", "Grüße, 你好, \"quoted\" \\ /");
    body.put("small", 3);
    body.put("long", Long.MAX_VALUE);
    body.put("negative", -12L);
    body.put("huge", new BigInteger("123456789012345678901234567890"));
    body.put("tenth", 0.1);
    body.put("floatTenth", 0.1f);
    body.put("trailingZeros", new BigDecimal("1.500"));
    body.put("thousand", 1e3);
    body.putNull("nothing");
    body.putArray("list").add(1).add("two").addObject().put("three", true);
    Envelope sent = new Envelope(1, MessageType.SHARE_OFFER, "6f1c8a52-9a43-4c1e-b3c6-2d0e3c1f7a11",
        ORG1.instanceId(), ORG2.instanceId(), Long.MAX_VALUE - 1, Long.MAX_VALUE, SENT, body);

    String compact = EnvelopeCodec.sign(sent, ORG1);
    SignedEnvelope opened = EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId());

    assertThat(opened.envelope()).isEqualTo(sent);
    assertThat(opened.envelope().sentAt()).isEqualTo(SENT);
    assertThat(opened.envelope().body().get("tenth").decimalValue()).isEqualByComparingTo("0.1");
    assertThat(opened.envelope().body().get("floatTenth").decimalValue()).isEqualByComparingTo("0.1");
    assertThat(opened.envelope().body().get("text").asText()).isEqualTo("Grüße, 你好, \"quoted\" \\ /");
    assertThat(opened.compact()).isEqualTo(compact);
  }

  @Test
  void an_incoming_share_keeps_a_proof_of_origin_that_anyone_with_org1s_key_can_check_later() throws Exception {
    String compact = EnvelopeCodec.sign(envelope(ORG1, ORG2, 1, body()), ORG1);

    SignedEnvelope opened = EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId());

    String expectedSha = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(compact.getBytes(StandardCharsets.US_ASCII)));
    assertThat(opened.sha256()).isEqualTo(expectedSha);
    assertThat(opened.signature()).isEqualTo(compact.split("\\.")[2]);
    assertThat(Base64URL.from(opened.signature()).decode()).hasSize(64);
    // An auditor re-checks the stored compact form with nothing but the origin's public key.
    assertThat(JWSObject.parse(opened.compact()).verify(new ECDSAVerifier((ECPublicKey) ORG1.keyPair().getPublic())))
        .isTrue();
    assertThat(JWSObject.parse(compact).getHeader().getType().getType()).isEqualTo("consortium-envelope+jws");
    assertThat(JWSObject.parse(compact).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
  }

  @Test
  void the_payload_is_json_with_the_fields_in_the_documented_order() throws Exception {
    String compact = EnvelopeCodec.sign(envelope(ORG1, ORG2, 1, body()), ORG1);

    String payload = new String(Base64URL.from(compact.split("\\.")[1]).decode(), StandardCharsets.UTF_8);

    assertThat(payload).isEqualTo("{\"v\":1,\"type\":\"SHARE_REVOKE\",\"id\":\"6f1c8a52-9a43-4c1e-b3c6-2d0e3c1f7a11\","
        + "\"from\":\"" + ORG1.instanceId() + "\",\"to\":\"" + ORG2.instanceId() + "\",\"epoch\":7,\"seq\":42,"
        + "\"sentAt\":\"2026-11-23T12:34:56.123456789Z\",\"body\":{\"shareUid\":\"uid-1\"}}");
  }

  @Test
  void a_payload_changed_in_transit_is_refused_as_a_bad_signature() throws Exception {
    String compact = EnvelopeCodec.sign(envelope(ORG1, ORG2, 1, body()), ORG1);
    String[] parts = compact.split("\\.");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8).replace("uid-1", "uid-2");
    String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];

    assertRefused(() -> EnvelopeCodec.open(tampered, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.BadSignature, "does not verify with the peer's pinned key " + ORG1.instanceId());
  }

  @Test
  void a_frame_signed_by_a_key_other_than_the_pinned_one_is_refused_as_a_bad_signature() {
    String compact = EnvelopeCodec.sign(envelope(MALLORY, ORG2, 1, body()), MALLORY);

    assertRefused(() -> EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.BadSignature, "signed by another key");
  }

  @Test
  void a_frame_signed_by_the_pinned_peer_but_claiming_another_sender_is_refused_as_wrong_sender() throws Exception {
    String compact = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME, json(MALLORY, ORG2, 1, "SHARE_REVOKE"));

    assertRefused(() -> EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.WrongSender, "a frame claiming another sender");
  }

  @Test
  void a_frame_addressed_to_another_instance_is_refused_as_wrong_recipient() {
    String compact = EnvelopeCodec.sign(envelope(ORG1, MALLORY, 1, body()), ORG1);

    assertRefused(() -> EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.WrongRecipient, "addressed to " + MALLORY.instanceId());
  }

  @Test
  void a_frame_of_a_protocol_version_this_instance_does_not_speak_is_refused_with_what_to_do() {
    String compact = EnvelopeCodec.sign(envelope(ORG1, ORG2, 2, body()), ORG1);

    assertRefused(() -> EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.UnsupportedVersion, "protocol version 2; this instance speaks [1]");
  }

  @Test
  void a_message_type_from_a_newer_peer_is_refused_as_unknown_naming_the_type() throws Exception {
    String compact = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME, json(ORG1, ORG2, 1, "SHARE_TELEPORT"));

    assertRefused(() -> EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.UnknownMessageType, "SHARE_TELEPORT");
  }

  @Test
  void checks_run_in_order_so_the_first_thing_wrong_is_the_reason_given() throws Exception {
    // Wrong sender and wrong recipient and an unknown version: the sender is named first.
    String everythingWrong = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME, json(MALLORY, MALLORY, 9, "NOPE"));
    assertRefused(() -> EnvelopeCodec.open(everythingWrong, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.WrongSender, "another sender");
    // Wrong recipient and unknown version and type: the recipient comes before the version.
    String wrongRecipient = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME, json(ORG1, MALLORY, 9, "NOPE"));
    assertRefused(() -> EnvelopeCodec.open(wrongRecipient, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.WrongRecipient, "addressed to");
    // Unknown version and unknown type: the version comes first.
    String newer = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME, json(ORG1, ORG2, 9, "NOPE"));
    assertRefused(() -> EnvelopeCodec.open(newer, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.UnsupportedVersion, "version 9");
    // A bad signature is reported before anything the payload says.
    String forged = rawFrame(MALLORY, EnvelopeCodec.TYPE_NAME, json(MALLORY, MALLORY, 9, "NOPE"));
    assertRefused(() -> EnvelopeCodec.open(forged, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.BadSignature, "does not verify");
  }

  @Test
  void text_that_is_no_compact_jws_is_a_malformed_frame() {
    assertRefused(() -> EnvelopeCodec.open("hello peer", ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "not a compact JWS");
  }

  @Test
  void a_signed_payload_that_is_not_a_json_object_is_a_malformed_frame() throws Exception {
    String notJson = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME, "certainly not json");
    String array = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME, "[1,2]");

    assertRefused(() -> EnvelopeCodec.open(notJson, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "not JSON");
    assertRefused(() -> EnvelopeCodec.open(array, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "not a JSON object");
  }

  @Test
  void an_hmac_signed_frame_is_malformed_because_envelopes_are_es256_only() throws Exception {
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(EnvelopeCodec.TYPE).build(),
        new Payload(json(ORG1, ORG2, 1, "SHARE_REVOKE")));
    jws.sign(new MACSigner(new byte[32]));

    assertRefused(() -> EnvelopeCodec.open(jws.serialize(), ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "ES256 only");
  }

  @Test
  void a_jws_of_another_type_cannot_pass_for_an_envelope() throws Exception {
    String invitationTyped = rawFrame(ORG1, "consortium-invitation+jwt", json(ORG1, ORG2, 1, "SHARE_REVOKE"));
    String untyped = rawFrame(ORG1, null, json(ORG1, ORG2, 1, "SHARE_REVOKE"));

    assertRefused(() -> EnvelopeCodec.open(invitationTyped, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "not an envelope");
    assertRefused(() -> EnvelopeCodec.open(untyped, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "its typ is null");
  }

  @Test
  void a_signed_envelope_missing_a_field_is_malformed_and_names_the_field() throws Exception {
    String noSentAt = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME,
        json(ORG1, ORG2, 1, "SHARE_REVOKE").replace(",\"sentAt\":\"2026-11-23T12:00:00Z\"", ""));
    String badSentAt = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME,
        json(ORG1, ORG2, 1, "SHARE_REVOKE").replace("2026-11-23T12:00:00Z", "yesterday"));
    String textSeq = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME,
        json(ORG1, ORG2, 1, "SHARE_REVOKE").replace("\"seq\":1", "\"seq\":\"1\""));
    String arrayBody = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME,
        json(ORG1, ORG2, 1, "SHARE_REVOKE").replace("{\"shareUid\":\"u\"}", "[]"));
    String negativeEpoch = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME,
        json(ORG1, ORG2, 1, "SHARE_REVOKE").replace("\"epoch\":1", "\"epoch\":-1"));

    assertRefused(() -> EnvelopeCodec.open(noSentAt, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "'sentAt' is missing");
    assertRefused(() -> EnvelopeCodec.open(badSentAt, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "sentAt is not an ISO-8601 instant");
    assertRefused(() -> EnvelopeCodec.open(textSeq, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "'seq' is missing or not a whole number");
    assertRefused(() -> EnvelopeCodec.open(arrayBody, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "'body' is missing or not a JSON object");
    assertRefused(() -> EnvelopeCodec.open(negativeEpoch, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "cannot be negative");
  }

  @Test
  void a_payload_with_a_duplicated_key_is_malformed_because_it_could_mean_two_things() throws Exception {
    String twice = rawFrame(ORG1, EnvelopeCodec.TYPE_NAME,
        json(ORG1, ORG2, 1, "SHARE_REVOKE").replace("\"seq\":1", "\"seq\":1,\"seq\":2"));

    assertRefused(() -> EnvelopeCodec.open(twice, ORG1.keyPair().getPublic(), ORG2.instanceId()),
        ProtocolError.MalformedFrame, "Duplicate field 'seq'");
  }

  @Test
  void a_frame_over_the_frame_limit_is_refused_before_it_is_parsed() {
    String huge = "x".repeat(1024 * 1024 + 1);

    assertRefused(() -> EnvelopeCodec.open(huge, ORG1.keyPair().getPublic(), ORG2.instanceId(), 1024 * 1024),
        ProtocolError.FrameTooLarge, "1048577 bytes is over the frame limit of 1048576 bytes (1Mi, --frame-limit)");
    assertThat(EnvelopeCodec.sizeOf(huge)).isEqualTo(1024 * 1024 + 1);
  }

  @Test
  void a_frame_within_the_frame_limit_opens() throws Exception {
    String compact = EnvelopeCodec.sign(envelope(ORG1, ORG2, 1, body()), ORG1);

    SignedEnvelope opened = EnvelopeCodec.open(compact, ORG1.keyPair().getPublic(), ORG2.instanceId(), compact.length());

    assertThat(opened.envelope().type()).isEqualTo(MessageType.SHARE_REVOKE);
  }

  @Test
  void a_pin_on_a_key_of_another_curve_is_a_bad_signature_and_a_non_ec_pin_a_programming_error() throws Exception {
    String compact = EnvelopeCodec.sign(envelope(ORG1, ORG2, 1, body()), ORG1);
    PublicKey p384 = SelfSignedCertificates.newEcKeyPair("secp384r1").getPublic();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);

    assertRefused(() -> EnvelopeCodec.open(compact, p384, ORG2.instanceId()), ProtocolError.BadSignature, "pinned key");
    assertThatThrownBy(() -> EnvelopeCodec.open(compact, rsa.generateKeyPair().getPublic(), ORG2.instanceId()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be an EC key");
  }

  @Test
  void an_instance_cannot_sign_an_envelope_that_claims_to_be_from_another() {
    assertThatThrownBy(() -> EnvelopeCodec.sign(envelope(ORG2, ORG1, 1, body()), ORG1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would be signed by instance " + ORG1.instanceId());
  }

  @Test
  void an_envelope_needs_an_object_body_and_finite_numbers() {
    assertThatThrownBy(() -> envelope(ORG1, ORG2, 1, JsonNodeFactory.instance.arrayNode()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body must be a JSON object");
    assertThatThrownBy(() -> envelope(ORG1, ORG2, 1, JsonNodeFactory.instance.objectNode().put("x", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }
}
