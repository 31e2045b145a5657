package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.condition;
import static io.consortium.operator.testing.Pairings.invite;
import static io.consortium.operator.testing.Pairings.pairing;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.protocol.ChunkFrame;
import io.consortium.operator.mesh.protocol.Chunker;
import io.consortium.operator.mesh.protocol.TransferManifest;
import io.consortium.operator.mesh.protocol.messages.ErrorMessage;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.pairing.SessionEpochs;
import io.consortium.operator.testing.LogLines;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import io.consortium.operator.testing.RawTlsClient;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1's listener and links against peers that do not play by the rules: a stranger with a key of
 * its own, the holder of Org2's real key (stolen, or Org2 with a broken clock), floods of
 * connections and transfers. Org1 closes, counts and says why, keeps its log its own, and Org2,
 * honest again, is served throughout.
 */
class HostileLinkScenarioTest {

  private static final String REFUSED = "consortium_link_connections_refused_total";
  private static final String FORGED_LINE = "2026-11-23T10:00:00Z INFO  [main] io.consortium.operator.share.Audit"
      + " - org1 ACCEPTED KeyShare evil from org2";

  @TempDir Path workdir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private Org org1;
  private Org org2;

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }

  private void startPaired(java.util.function.Consumer<io.consortium.operator.runtime.OperatorSettings.Builder> org1Flags) {
    org1 = keep(Org.cluster("org1", workdir).configure(org1Flags).startOperator());
    org2 = keep(Org.cluster("org2", workdir).startOperator());
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1", PairingPhase.Connected);
  }

  /** Org2's operator stops; a RawPeer with Org2's real key takes the session over. */
  private RawPeer takeOverOrg2() throws Exception {
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    RawPeer raw = keep(new RawPeer(RawPeer.identityOf(org2))).dial(org1);
    raw.sendHello("org2", raw.epoch());
    awaitPhase(org1, "org2", PairingPhase.Connected);
    return raw;
  }

  // ---- before HELLO ----------------------------------------------------------------------------

  @Test
  void a_stranger_whose_first_frames_are_not_hello_is_closed_counted_and_never_heard_in_the_log() throws Exception {
    org1 = keep(Org.cluster("org1", workdir).startOperator());
    LogLines log = keep(new LogLines("io.consortium"));

    RawPeer stranger = keep(RawPeer.unpaired("mallory")).dial(org1);
    stranger.sendQuietly(new ErrorMessage("MalformedFrame", "refused\n" + FORGED_LINE));
    for (int i = 0; i < 5; i++) {
      stranger.sendQuietly(new ErrorMessage("MalformedFrame", "again " + i + "\n" + FORGED_LINE));
    }
    assertThat(stranger.awaitClosed(Pairings.WAIT)).contains("FrameBeforeHello").contains("ERROR before HELLO");

    RawPeer binary = keep(RawPeer.unpaired("mallory-2")).dial(org1);
    binary.sendBinary(new byte[] {1, 2, 3});
    assertThat(binary.awaitClosed(Pairings.WAIT)).contains("FrameBeforeHello");

    Org.await("both counted", Pairings.WAIT, () -> org1.metric(REFUSED, "reason=\"FrameBeforeHello\"") >= 2);
    assertThat(log.containing("ACCEPTED KeyShare evil")).as("not a word of it in org1's log").isEmpty();
    assertThat(log.lines()).noneMatch(line -> line.contains("\n"));
  }

  @Test
  void a_stranger_that_says_hello_with_a_key_nobody_pinned_is_closed_as_pin_mismatch_and_counted() throws Exception {
    org1 = keep(Org.cluster("org1", workdir).startOperator());

    RawPeer stranger = keep(RawPeer.unpaired("mallory")).dial(org1);
    stranger.sendHello("org2", System.currentTimeMillis());

    assertThat(stranger.awaitClosed(Pairings.WAIT)).contains("PinMismatch");
    Org.await("counted", Pairings.WAIT, () -> org1.metric(REFUSED, "reason=\"PinMismatch\"") == 1);
  }

  @Test
  void get_slash_on_org1s_mesh_port_gets_404() throws Exception {
    org1 = keep(Org.cluster("org1", workdir).startOperator());

    String answer = keep(RawTlsClient.tls("127.0.0.1", org1.operator().meshPort()))
        .write("GET / HTTP/1.1\r\nHost: org1\r\n\r\n").readUntilClosed(Pairings.WAIT);

    assertThat(answer).startsWith("HTTP/1.1 404");
    assertThat(org1.metric(REFUSED, "reason=\"NotFound\"")).isEqualTo(1);
  }

  // ---- what a paired peer says -----------------------------------------------------------------

  @Test
  void a_paired_peers_error_with_a_newline_is_one_escaped_line_and_a_flood_of_them_is_counted_not_logged()
      throws Exception {
    startPaired(flags -> {});
    RawPeer org2Raw = takeOverOrg2();
    LogLines log = keep(new LogLines("io.consortium.operator.pairing"));

    org2Raw.send(new ErrorMessage("MalformedFrame", "refused\n" + FORGED_LINE));
    Org.await("org1 to log it", Pairings.WAIT, () -> !log.containing("ACCEPTED KeyShare evil").isEmpty());

    String line = log.containing("ACCEPTED KeyShare evil").get(0);
    assertThat(line).doesNotContain("\n").contains("refused\\n2026-11-23T10:00:00Z INFO");

    int flood = 200;
    for (int i = 0; i < flood; i++) {
      org2Raw.send(new ErrorMessage("MalformedFrame", "flood " + i));
    }
    Org.await("every ERROR counted", Pairings.WAIT,
        () -> org1.metric("consortium_link_peer_errors_received_total") >= flood + 1);
    assertThat(log.containing("flood ").size()).as("logged within the link's budget").isLessThan(flood);
    assertThat(org1.metric("consortium_link_peer_log_lines_withheld_total")).isPositive();
    assertThat(Pairings.phase(org1, "org2")).isEqualTo(PairingPhase.Connected);
  }

  // ---- floods of connections -------------------------------------------------------------------

  @Test
  void a_flood_of_connections_is_refused_and_counted_while_org2_keeps_sharing_and_reconnects() throws Exception {
    startPaired(flags -> flags.meshMaxPending(8).meshMaxPendingPerAddress(4).meshHeaderTimeout(Duration.ofMinutes(5)));
    int port = org1.operator().meshPort();
    for (int i = 0; i < 20; i++) {
      keep(RawTlsClient.tcp("127.0.0.2", port));
    }
    List<RawTlsClient> fromThree = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      fromThree.add(keep(RawTlsClient.tcp("127.0.0.3", port)));
    }
    Org.await("32 refused from 127.0.0.2 and 127.0.0.3", Pairings.WAIT,
        () -> org1.metric(REFUSED, "reason=\"TooManyPendingFromAddress\"") == 32);
    keep(RawTlsClient.tcp("127.0.0.4", port)).readUntilClosed(Pairings.WAIT);
    assertThat(org1.metric(REFUSED, "reason=\"TooManyPending\"")).as("no room left at all").isGreaterThanOrEqualTo(1);

    // The link up before the flood does not count against it: Org2 still receives what Org1 shares.
    shareCertificate(org1, "during-flood");
    Org.await("the share on org2", Pairings.WAIT,
        () -> org2.client().resources(KeyShare.class).withName("org1-during-flood").get() != null);

    // 127.0.0.3 gives up; 127.0.0.2 goes on. Org2 restarts and dials again, from 127.0.0.1.
    fromThree.forEach(RawTlsClient::close);
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    org2.startOperator();
    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1", PairingPhase.Connected);
    shareCertificate(org1, "after-flood");
    Org.await("the next share on org2", Pairings.WAIT,
        () -> org2.client().resources(KeyShare.class).withName("org1-after-flood").get() != null);
  }

  // ---- session epochs --------------------------------------------------------------------------

  @Test
  void a_hello_a_day_in_the_future_does_not_lock_the_honest_peer_out_it_is_resynchronised() throws Exception {
    startPaired(flags -> {});
    long dayAhead = Instant.now().plus(Duration.ofDays(1)).toEpochMilli();
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    try (RawPeer wrongClock = new RawPeer(RawPeer.identityOf(org2), dayAhead).dial(org1)) {
      wrongClock.sendHello("org2", dayAhead);
      awaitPhase(org1, "org2", PairingPhase.Connected);
      assertThat(pairing(org1, "org2").getStatus().peerEpoch).isEqualTo(dayAhead);
    }
    awaitPhase(org1, "org2", PairingPhase.Disconnected);

    org2.startOperator();

    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1", PairingPhase.Connected);
    var epochs = condition(org1, "org2", PeerSessions.EPOCHS_IN_ORDER).orElseThrow();
    assertThat(epochs.status).isEqualTo(ConditionStatus.False);
    assertThat(epochs.reason).isEqualTo(PeerSessions.EPOCH_RESYNCHRONISED);
    assertThat(epochs.message).contains(Long.toString(dayAhead)).contains("re-synchronised");
    assertThat(pairing(org1, "org2").getStatus().peerEpoch).isLessThan(dayAhead);
    assertThat(org1.metric("consortium_link_epoch_resyncs_total")).isEqualTo(1);
    Org.await("an Event on org1's pairing", Pairings.WAIT, () -> org1.client().v1().events().list().getItems().stream()
        .anyMatch(e -> PeerSessions.EPOCH_RESYNCHRONISED.equals(e.getReason())));

    // The next session is in order again.
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    org2.startOperator();
    awaitPhase(org1, "org2", PairingPhase.Connected);
    Org.await("the condition back to True", Pairings.WAIT, () -> condition(org1, "org2", PeerSessions.EPOCHS_IN_ORDER)
        .map(c -> c.status == ConditionStatus.True).orElse(false));
  }

  @Test
  void a_pairing_from_before_persisted_epochs_keeps_working_after_the_upgrade() throws Exception {
    startPaired(flags -> {});
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    // As the version before left them: Org1 kept Org2's clock as its epoch, Org2 kept no counter.
    long oldEpoch = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
    org1.client().resources(PeerPairing.class).withName("org2").editStatus(p -> {
      p.getStatus().peerEpoch = oldEpoch;
      return p;
    });
    org2.client().configMaps().withName(SessionEpochs.CONFIGMAP).delete();
    Org.await("the counter gone", Pairings.WAIT,
        () -> org2.client().configMaps().withName(SessionEpochs.CONFIGMAP).get() == null);

    org2.startOperator();

    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1", PairingPhase.Connected);
    assertThat(pairing(org1, "org2").getStatus().peerEpoch).isGreaterThan(oldEpoch);
    assertThat(condition(org1, "org2", PeerSessions.EPOCHS_IN_ORDER)).as("nothing to re-synchronise").isEmpty();
    assertThat(org2.client().configMaps().withName(SessionEpochs.CONFIGMAP).get()).as("the counter kept again")
        .isNotNull();
  }

  // ---- transfers -------------------------------------------------------------------------------

  private static final long FRAME = 16 * 1024;

  /** TRANSFER_BEGIN for a payload of {@code size}, then its first chunk only. */
  private static void beginAndSendFirstChunk(RawPeer raw, UUID id, int size, long seed) throws Exception {
    byte[] payload = new byte[size];
    new Random(seed).nextBytes(payload);
    TransferManifest manifest = TransferManifest.describe(id, new ByteArrayInputStream(payload), FRAME, 1 << 20);
    raw.send(manifest);
    try (Chunker chunker = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, FRAME, 1 << 20)) {
      ByteBuffer first = chunker.next();
      byte[] bytes = new byte[first.remaining()];
      first.get(bytes);
      raw.sendBinary(bytes);
    }
  }

  private static List<Path> spooled(Org org) {
    try (var files = Files.list(org.transferDir())) {
      return files.toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void a_repeated_transfer_id_and_a_flood_of_transfer_begins_are_capped_and_leave_no_file() throws Exception {
    startPaired(flags -> flags.frameLimit(FRAME).maxShareSize(1 << 20).maxTransfersPerLink(4));
    RawPeer org2Raw = takeOverOrg2();

    UUID repeated = UUID.randomUUID();
    for (int i = 0; i < 50; i++) {
      beginAndSendFirstChunk(org2Raw, repeated, 40_000, i);
    }
    // One transfer is held (the last of the 50); three more fit, the one after closes the link.
    // (LinkTransfersTest sends 3000; here a few more than the cap are enough.)
    for (int i = 0; i < 10 && org2Raw.isOpen(); i++) {
      org2Raw.sendQuietly(TransferManifest.describe(UUID.randomUUID(), new ByteArrayInputStream(new byte[] {(byte) i}),
          FRAME, 1 << 20));
    }

    assertThat(org2Raw.awaitClosed(Pairings.WAIT)).contains("TransferLimit");
    Org.await("org1 to say why", Pairings.WAIT, () -> condition(org1, "org2", "FramesAccepted")
        .map(c -> "TransferLimit".equals(c.reason) && c.message.contains("--max-transfers-per-link")).orElse(false));
    Org.await("no transfer file left on org1", Pairings.WAIT, () -> spooled(org1).isEmpty());
  }

  @Test
  void a_transfer_cut_by_the_operator_stopping_leaves_no_file() throws Exception {
    startPaired(flags -> flags.frameLimit(FRAME).maxShareSize(1 << 20));
    RawPeer org2Raw = takeOverOrg2();
    beginAndSendFirstChunk(org2Raw, UUID.randomUUID(), 100_000, 1);
    Org.await("the partial file on org1", Pairings.WAIT, () -> spooled(org1).size() == 1);

    org1.stopOperator();

    assertThat(spooled(org1)).isEmpty();
  }

  @Test
  void what_a_killed_operator_left_in_its_transfer_directory_is_removed_at_start() throws Exception {
    org1 = keep(Org.cluster("org1", workdir));
    Path dir = Files.createDirectories(org1.transferDir());
    Files.write(dir.resolve("transfer-4711.part"), new byte[512 * 1024]);
    Files.writeString(dir.resolve("offer-12.json"), "{\"half\":");
    Files.writeString(dir.resolve("README.txt"), "not the operator's");

    org1.startOperator();

    Org.await("the left-over transfer files removed", Pairings.WAIT, () -> !Files.exists(dir.resolve("transfer-4711.part"))
        && !Files.exists(dir.resolve("offer-12.json")));
    assertThat(dir.resolve("README.txt")).as("nothing but its own files").exists();
  }

  private static void shareCertificate(Org org, String name) {
    var key = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String pem = Pem.certificate(SelfSignedCertificates.selfSigned(key, name + ".example.com",
        List.of(name + ".example.com"), Instant.now(), Duration.ofDays(1)));
    org.client().secrets().resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().source = new SecretKeyRef(name, null);
    org.client().resource(share).create();
  }
}
