package io.consortium.operator.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.mesh.protocol.ChunkFrame;
import io.consortium.operator.mesh.protocol.Chunker;
import io.consortium.operator.mesh.protocol.ProtocolError;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.TransferManifest;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One link's incoming transfers: bounded, replaced, and never a file left behind whatever way they end. */
class LinkTransfersTest {

  private static final long FRAME = 16 * 1024;
  private static final long MAX_SHARE = 256 * 1024;

  @TempDir Path dir;

  private LinkTransfers transfers(int maxTransfers, long maxSpooled) {
    return new LinkTransfers(new TransferSpool(dir.resolve("spool")), new TransferLimits(FRAME, MAX_SHARE, maxTransfers,
        maxSpooled));
  }

  private List<Path> spooled() throws Exception {
    try (var files = Files.list(dir.resolve("spool"))) {
      return files.toList();
    }
  }

  private static byte[] payload(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static TransferManifest manifest(UUID id, byte[] payload) throws Exception {
    return TransferManifest.describe(id, new ByteArrayInputStream(payload), FRAME, MAX_SHARE);
  }

  private static List<byte[]> chunks(TransferManifest manifest, byte[] payload) throws Exception {
    List<byte[]> frames = new ArrayList<>();
    try (Chunker chunker = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, FRAME, MAX_SHARE)) {
      while (chunker.hasNext()) {
        ByteBuffer frame = chunker.next();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        frames.add(bytes);
      }
    }
    return frames;
  }

  @Test
  void a_transfer_claimed_by_its_offer_is_read_whole_and_its_file_is_gone() throws Exception {
    LinkTransfers link = transfers(4, MAX_SHARE * 2);
    byte[] payload = payload(50_000, 1);
    UUID id = UUID.randomUUID();
    TransferManifest manifest = manifest(id, payload);

    link.begin(manifest);
    for (byte[] chunk : chunks(manifest, payload)) {
      link.chunk(chunk);
    }
    byte[] read = link.claim(id, "share s", Files::readAllBytes);

    assertThat(read).isEqualTo(payload);
    assertThat(spooled()).isEmpty();
    assertThatThrownBy(() -> link.claim(id, "share s", Files::readAllBytes))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.UnknownTransfer));
  }

  @Test
  void a_transfer_id_repeated_fifty_times_holds_one_file_at_most_and_none_after_the_link() throws Exception {
    LinkTransfers link = transfers(4, MAX_SHARE * 2);
    UUID id = UUID.randomUUID();
    for (int i = 0; i < 50; i++) {
      byte[] payload = payload(40_000, i);
      TransferManifest manifest = manifest(id, payload);
      link.begin(manifest);
      List<byte[]> chunks = chunks(manifest, payload);
      // Half the time all of it (complete, never claimed), else only the first chunk.
      for (byte[] chunk : i % 2 == 0 ? chunks : chunks.subList(0, 1)) {
        link.chunk(chunk);
      }
      assertThat(spooled()).hasSize(1);
      assertThat(link.held()).isEqualTo(1);
    }

    link.close();

    assertThat(spooled()).isEmpty();
  }

  @Test
  void transfer_begins_beyond_the_cap_are_refused_before_any_file_is_made() throws Exception {
    LinkTransfers link = transfers(4, MAX_SHARE * 2);
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
      try {
        link.begin(manifest(UUID.randomUUID(), new byte[] {(byte) i}));
      } catch (ProtocolException e) {
        assertThat(e.error()).isEqualTo(ProtocolError.TransferLimit);
        assertThat(e.getMessage()).contains("--max-transfers-per-link");
        refused++;
      }
    }

    assertThat(refused).isEqualTo(2996);
    assertThat(spooled()).hasSize(4);
    link.close();
    assertThat(spooled()).isEmpty();
  }

  @Test
  void the_bytes_a_links_transfers_announce_together_are_bounded() throws Exception {
    LinkTransfers link = transfers(4, MAX_SHARE);
    link.begin(manifest(UUID.randomUUID(), payload(200_000, 1)));

    assertThatThrownBy(() -> link.begin(manifest(UUID.randomUUID(), payload(100_000, 2))))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.TransferLimit))
        .hasMessageContaining("--max-spooled-per-link");
    assertThat(spooled()).hasSize(1);
  }

  @Test
  void a_refused_chunk_ends_its_transfer_and_deletes_its_file() throws Exception {
    LinkTransfers link = transfers(4, MAX_SHARE * 2);
    byte[] payload = payload(60_000, 3);
    UUID id = UUID.randomUUID();
    TransferManifest manifest = manifest(id, payload);
    link.begin(manifest);
    List<byte[]> chunks = chunks(manifest, payload);
    link.chunk(chunks.get(0));

    // Chunk 2 before chunk 1: chunks were lost.
    assertThatThrownBy(() -> link.chunk(chunks.get(2)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.ChunkGap));

    assertThat(spooled()).isEmpty();
    assertThat(link.held()).isZero();
  }

  @Test
  void a_payload_whose_checksum_does_not_match_leaves_nothing() throws Exception {
    LinkTransfers link = transfers(4, MAX_SHARE * 2);
    byte[] payload = payload(20_000, 4);
    UUID id = UUID.randomUUID();
    TransferManifest manifest = manifest(id, payload);
    link.begin(manifest);
    List<byte[]> chunks = chunks(manifest, payload);
    byte[] last = chunks.get(chunks.size() - 1);
    last[last.length - 1] ^= 1;

    link.chunk(chunks.get(0));
    assertThatThrownBy(() -> link.chunk(last))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.ChecksumMismatch));

    assertThat(spooled()).isEmpty();
  }

  @Test
  void a_manifest_whose_chunks_do_not_fit_a_frame_is_refused_without_leaving_its_file() throws Exception {
    LinkTransfers link = transfers(4, MAX_SHARE * 2);
    byte[] payload = payload(100_000, 5);
    TransferManifest tooWide = TransferManifest.describe(UUID.randomUUID(), new ByteArrayInputStream(payload),
        FRAME * 4, MAX_SHARE);

    assertThatThrownBy(() -> link.begin(tooWide))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.FrameTooLarge));
    assertThat(spooled()).isEmpty();
  }

  @Test
  void a_chunk_of_no_announced_transfer_is_unknown() {
    LinkTransfers link = transfers(4, MAX_SHARE * 2);

    assertThatThrownBy(() -> link.chunk(ChunkFrame.encode(UUID.randomUUID(), 0, ByteBuffer.wrap(new byte[10])).array()))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ProtocolError.UnknownTransfer));
  }

  @Test
  void the_spool_sweep_removes_what_a_killed_operator_left_and_nothing_else() throws Exception {
    Path spool = Files.createDirectories(dir.resolve("left-behind"));
    Files.write(spool.resolve("transfer-123.part"), new byte[7 * 1024]);
    Files.write(spool.resolve("offer-9.json"), new byte[10]);
    Files.writeString(spool.resolve("notes.txt"), "not ours");

    assertThat(new TransferSpool(spool).sweep()).isEqualTo(2);

    try (var left = Files.list(spool)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
    }
  }

  @Test
  void the_limits_refuse_a_spool_cap_below_the_largest_share() {
    assertThatThrownBy(() -> new TransferLimits(FRAME, MAX_SHARE, 4, MAX_SHARE - 1))
        .hasMessageContaining("--max-spooled-per-link").hasMessageContaining("--max-share-size");
  }
}
