package io.consortium.operator.mesh.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.mesh.protocol.Reassembler.Progress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkedTransferTest {

  private static final long MiB = 1024 * 1024;
  private static final long FRAME_LIMIT = MiB;
  private static final long MAX_SHARE = 64 * MiB;
  /** A small frame limit keeps payloads of a few chunks small in tests. */
  private static final long SMALL_FRAME = 16 * 1024;
  private static final int SMALL_CHUNK = TransferManifest.chunkSizeFor(SMALL_FRAME);

  @TempDir
  Path dir;

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static TransferManifest describe(byte[] payload, long frameLimit) throws Exception {
    return TransferManifest.describe(UUID.randomUUID(), new ByteArrayInputStream(payload), frameLimit, MAX_SHARE);
  }

  /** The whole path: describe, chunk, decode each binary frame, reassemble in memory. */
  private static byte[] transfer(byte[] payload, long frameLimit) throws Exception {
    TransferManifest manifest = describe(payload, frameLimit);
    Reassembler<byte[]> receiver = new Reassembler<>(manifest, new MemoryChunkSink(manifest.totalSize()), frameLimit, MAX_SHARE);
    try (Chunker sender = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, frameLimit, MAX_SHARE)) {
      while (sender.hasNext()) {
        ByteBuffer frame = sender.next();
        assertThat((long) frame.remaining()).isLessThanOrEqualTo(frameLimit);
        Progress progress = receiver.accept(ChunkFrame.decode(frame));
        assertThat(progress).isEqualTo(sender.hasNext() ? Progress.ACCEPTED : Progress.COMPLETE);
      }
    }
    return receiver.result();
  }

  private static void assertRefused(ThrowingCallable call, ProtocolError error, String... messageParts) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(error))
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void an_empty_payload_travels_as_one_empty_chunk_and_is_still_checked() throws Exception {
    TransferManifest manifest = describe(new byte[0], SMALL_FRAME);

    assertThat(manifest.chunkCount()).isEqualTo(1);
    assertThat(manifest.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(transfer(new byte[0], SMALL_FRAME)).isEmpty();
  }

  @Test
  void a_one_byte_payload_arrives_intact() throws Exception {
    assertThat(transfer(new byte[] {42}, SMALL_FRAME)).containsExactly(42);
  }

  @Test
  void a_payload_of_exactly_one_chunk_takes_one_frame_of_exactly_the_frame_limit() throws Exception {
    byte[] payload = random(SMALL_CHUNK, 1);
    TransferManifest manifest = describe(payload, SMALL_FRAME);

    assertThat(manifest.chunkCount()).isEqualTo(1);
    try (Chunker chunker = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, SMALL_FRAME, MAX_SHARE)) {
      assertThat(chunker.next().remaining()).isEqualTo((int) SMALL_FRAME);
      assertThat(chunker.hasNext()).isFalse();
    }
    assertThat(transfer(payload, SMALL_FRAME)).isEqualTo(payload);
  }

  @Test
  void one_byte_more_than_a_chunk_takes_a_second_frame_of_one_byte() throws Exception {
    byte[] payload = random(SMALL_CHUNK + 1, 2);
    TransferManifest manifest = describe(payload, SMALL_FRAME);

    assertThat(manifest.chunkCount()).isEqualTo(2);
    assertThat(manifest.chunkLength(1)).isEqualTo(1);
    assertThat(transfer(payload, SMALL_FRAME)).isEqualTo(payload);
  }

  @Test
  void a_256_KiB_payload_comes_out_byte_identical_through_64_KiB_frames() throws Exception {
    byte[] payload = random(256 * 1024, 3);

    assertThat(describe(payload, 64 * 1024).chunkCount()).isEqualTo(5);
    assertThat(transfer(payload, 64 * 1024)).isEqualTo(payload);
  }

  @Test
  void a_20_MiB_payload_streams_file_to_file_and_arrives_identical(@TempDir Path inbox) throws Exception {
    // File to file through FileChannels, one chunk in memory at a time: heap use is bounded by design.
    Path source = dir.resolve("payload.bin");
    Random random = new Random(20);
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(source)) {
      for (int i = 0; i < 20 * 16; i++) {
        random.nextBytes(block);
        out.write(block);
      }
    }
    TransferManifest manifest;
    try (InputStream in = Files.newInputStream(source)) {
      manifest = TransferManifest.describe(UUID.randomUUID(), in, FRAME_LIMIT, MAX_SHARE);
    }
    TempFileChunkSink sink = new TempFileChunkSink(inbox);
    Reassembler<Path> receiver = new Reassembler<>(manifest, sink, FRAME_LIMIT, MAX_SHARE);

    try (Chunker sender = Chunker.open(manifest, FileChannel.open(source), 0, FRAME_LIMIT, MAX_SHARE)) {
      while (sender.hasNext()) {
        receiver.accept(ChunkFrame.decode(sender.next()));
      }
    }

    assertThat(manifest.totalSize()).isEqualTo(20 * MiB);
    assertThat(manifest.chunkCount()).isEqualTo(21);
    assertThat(receiver.isComplete()).isTrue();
    assertThat(Files.mismatch(source, receiver.result())).isEqualTo(-1L);
    assertThat(receiver.result()).isEqualTo(sink.file());
  }

  @Test
  void a_transfer_announced_in_a_signed_transfer_begin_is_checked_against_the_manifest_org2_opened() throws Exception {
    InstanceIdentity org1 = TestIdentities.newIdentity("org1");
    InstanceIdentity org2 = TestIdentities.newIdentity("org2");
    byte[] payload = random(3 * SMALL_CHUNK + 5, 17);
    TransferManifest sent = describe(payload, SMALL_FRAME);
    String begin = EnvelopeCodec.sign(Messages.envelope(MessageType.TRANSFER_BEGIN, org1.instanceId(),
        org2.instanceId(), 1, 1, sent), org1);

    SignedEnvelope opened = EnvelopeCodec.open(begin, org1.keyPair().getPublic(), org2.instanceId(), SMALL_FRAME);
    TransferManifest received = Messages.body(opened.envelope(), TransferManifest.class);
    Reassembler<byte[]> receiver = new Reassembler<>(received, new MemoryChunkSink(received.totalSize()), SMALL_FRAME, MAX_SHARE);
    try (Chunker sender = Chunker.open(sent, new ByteArrayInputStream(payload), 0, SMALL_FRAME, MAX_SHARE)) {
      while (sender.hasNext()) {
        receiver.accept(ChunkFrame.decode(sender.next()));
      }
    }

    assertThat(received).isEqualTo(sent);
    assertThat(receiver.result()).isEqualTo(payload);
  }

  @Test
  void a_corrupted_byte_is_caught_by_the_checksum_and_the_partial_file_is_discarded() throws Exception {
    byte[] payload = random(3 * SMALL_CHUNK, 4);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    byte[] corrupted = payload.clone();
    corrupted[SMALL_CHUNK + 100] ^= 0x01;
    TempFileChunkSink sink = new TempFileChunkSink(dir);
    Reassembler<Path> receiver = new Reassembler<>(manifest, sink, SMALL_FRAME, MAX_SHARE);
    Chunker sender = Chunker.open(manifest, new ByteArrayInputStream(corrupted), 0, SMALL_FRAME, MAX_SHARE);

    receiver.accept(ChunkFrame.decode(sender.next()));
    receiver.accept(ChunkFrame.decode(sender.next()));
    ChunkFrame last = ChunkFrame.decode(sender.next());

    assertRefused(() -> receiver.accept(last), ProtocolError.ChecksumMismatch,
        "its signed manifest says " + manifest.sha256(), "the partial payload was discarded");
    assertThat(sink.file()).doesNotExist();
    assertThat(receiver.isComplete()).isFalse();
    assertRefused(() -> receiver.accept(last), ProtocolError.ChecksumMismatch, "was discarded");
  }

  @Test
  void a_link_cut_mid_transfer_resumes_where_the_receiver_stopped_and_writes_each_byte_once() throws Exception {
    byte[] payload = random(10 * SMALL_CHUNK + 7, 5);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    CountingSink sink = new CountingSink(manifest.totalSize());
    Reassembler<byte[]> receiver = new Reassembler<>(manifest, sink, SMALL_FRAME, MAX_SHARE);
    try (Chunker first = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, SMALL_FRAME, MAX_SHARE)) {
      for (int i = 0; i < 4; i++) {
        receiver.accept(ChunkFrame.decode(first.next()));
      }
      first.next(); // in flight when the link broke: lost
    }

    // After the reconnect the receiver says where it is (TRANSFER_STATUS) and the sender resumes there.
    int resumeAt = receiver.nextExpectedIndex();
    List<Progress> progress = new ArrayList<>();
    try (Chunker resumed = Chunker.open(manifest, new ByteArrayInputStream(payload), resumeAt, SMALL_FRAME, MAX_SHARE)) {
      assertThat(resumed.nextIndex()).isEqualTo(4);
      while (resumed.hasNext()) {
        progress.add(receiver.accept(ChunkFrame.decode(resumed.next())));
      }
    }

    assertThat(resumeAt).isEqualTo(4);
    assertThat(progress).hasSize(7).doesNotContain(Progress.DUPLICATE).last().isEqualTo(Progress.COMPLETE);
    assertThat(receiver.result()).isEqualTo(payload);
    assertThat(sink.written).isEqualTo(payload.length);
  }

  @Test
  void resuming_from_a_file_seeks_instead_of_reading_what_was_already_sent() throws Exception {
    byte[] payload = random(5 * SMALL_CHUNK + 3, 6);
    Path source = Files.write(dir.resolve("payload.bin"), payload);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    Reassembler<byte[]> receiver = new Reassembler<>(manifest, new MemoryChunkSink(manifest.totalSize()), SMALL_FRAME, MAX_SHARE);
    try (Chunker first = Chunker.open(manifest, FileChannel.open(source), 0, SMALL_FRAME, MAX_SHARE)) {
      receiver.accept(ChunkFrame.decode(first.next()));
      receiver.accept(ChunkFrame.decode(first.next()));
    }

    try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ);
        Chunker resumed = Chunker.open(manifest, channel, receiver.nextExpectedIndex(), SMALL_FRAME, MAX_SHARE)) {
      assertThat(channel.position()).isEqualTo(2L * SMALL_CHUNK);
      while (resumed.hasNext()) {
        receiver.accept(ChunkFrame.decode(resumed.next()));
      }
    }

    assertThat(receiver.result()).isEqualTo(payload);
  }

  @Test
  void chunks_resent_after_a_reconnect_are_ignored_so_nothing_is_written_twice() throws Exception {
    byte[] payload = random(4 * SMALL_CHUNK, 7);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    CountingSink sink = new CountingSink(manifest.totalSize());
    Reassembler<byte[]> receiver = new Reassembler<>(manifest, sink, SMALL_FRAME, MAX_SHARE);
    List<ChunkFrame> frames = new ArrayList<>();
    try (Chunker sender = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, SMALL_FRAME, MAX_SHARE)) {
      while (sender.hasNext()) {
        frames.add(ChunkFrame.decode(sender.next()));
      }
    }

    assertThat(receiver.accept(frames.get(0))).isEqualTo(Progress.ACCEPTED);
    assertThat(receiver.accept(frames.get(1))).isEqualTo(Progress.ACCEPTED);
    assertThat(receiver.accept(frames.get(0))).isEqualTo(Progress.DUPLICATE);
    assertThat(receiver.accept(frames.get(1))).isEqualTo(Progress.DUPLICATE);
    assertThat(receiver.nextExpectedIndex()).isEqualTo(2);
    assertThat(receiver.accept(frames.get(2))).isEqualTo(Progress.ACCEPTED);
    assertThat(receiver.accept(frames.get(3))).isEqualTo(Progress.COMPLETE);

    assertThat(receiver.result()).isEqualTo(payload);
    assertThat(sink.written).isEqualTo(payload.length);
  }

  @Test
  void a_gap_is_refused_without_losing_what_arrived_so_the_sender_can_resume() throws Exception {
    byte[] payload = random(4 * SMALL_CHUNK, 8);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    Reassembler<byte[]> receiver = new Reassembler<>(manifest, new MemoryChunkSink(manifest.totalSize()), SMALL_FRAME, MAX_SHARE);
    List<ChunkFrame> frames = new ArrayList<>();
    try (Chunker sender = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, SMALL_FRAME, MAX_SHARE)) {
      while (sender.hasNext()) {
        frames.add(ChunkFrame.decode(sender.next()));
      }
    }
    receiver.accept(frames.get(0));

    assertRefused(() -> receiver.accept(frames.get(2)), ProtocolError.ChunkGap,
        "received chunk 2 while it expects chunk 1", "resume from 1");

    assertThat(receiver.nextExpectedIndex()).isEqualTo(1);
    for (ChunkFrame frame : frames.subList(1, 4)) {
      receiver.accept(frame);
    }
    assertThat(receiver.result()).isEqualTo(payload);
  }

  @Test
  void a_payload_over_the_max_share_size_is_refused_before_any_frame_naming_the_flag_and_both_sizes() throws Exception {
    byte[] payload = random(3000, 9);
    TransferManifest manifest = describe(payload, SMALL_FRAME);

    assertRefused(() -> Chunker.open(manifest, new ByteArrayInputStream(payload), 0, SMALL_FRAME, 2048),
        ProtocolError.PayloadTooLarge, "3000 bytes", "2048 bytes (2Ki)", "--max-share-size", "it was not sent");
    assertRefused(() -> TransferManifest.describe(UUID.randomUUID(), new ByteArrayInputStream(payload), SMALL_FRAME, 2048),
        ProtocolError.PayloadTooLarge, "--max-share-size", "2048 bytes");
  }

  @Test
  void a_receiver_with_a_smaller_max_share_size_refuses_the_manifest_before_any_chunk() throws Exception {
    TransferManifest manifest = describe(random(5000, 10), SMALL_FRAME);

    assertRefused(() -> new Reassembler<>(manifest, new MemoryChunkSink(5000), SMALL_FRAME, 4096),
        ProtocolError.PayloadTooLarge, "5000 bytes", "--max-share-size");
  }

  @Test
  void a_manifest_whose_chunks_do_not_fit_the_receivers_frame_limit_is_refused() throws Exception {
    TransferManifest manifest = describe(random(100_000, 11), 64 * 1024);

    assertRefused(() -> new Reassembler<>(manifest, new MemoryChunkSink(100_000), SMALL_FRAME, MAX_SHARE),
        ProtocolError.FrameTooLarge, "--frame-limit");
    assertRefused(() -> Chunker.open(manifest, new ByteArrayInputStream(new byte[100_000]), 0, SMALL_FRAME, MAX_SHARE),
        ProtocolError.FrameTooLarge, "--frame-limit");
  }

  @Test
  void a_chunk_of_another_transfer_is_refused() throws Exception {
    byte[] payload = random(100, 12);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    Reassembler<byte[]> receiver = new Reassembler<>(manifest, new MemoryChunkSink(100), SMALL_FRAME, MAX_SHARE);
    UUID other = UUID.randomUUID();

    assertRefused(() -> receiver.accept(ChunkFrame.decode(ChunkFrame.encode(other, 0, ByteBuffer.wrap(payload)))),
        ProtocolError.UnknownTransfer, other.toString());
  }

  @Test
  void a_chunk_of_the_wrong_length_or_beyond_the_last_is_malformed() throws Exception {
    byte[] payload = random(2 * SMALL_CHUNK, 13);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    Reassembler<byte[]> receiver = new Reassembler<>(manifest, new MemoryChunkSink(payload.length), SMALL_FRAME, MAX_SHARE);
    UUID id = manifest.transferId();

    assertRefused(() -> receiver.accept(ChunkFrame.decode(ChunkFrame.encode(id, 0, ByteBuffer.wrap(payload, 0, 10)))),
        ProtocolError.MalformedFrame, "chunk 0", "has 10 bytes; its manifest says " + SMALL_CHUNK);
    assertRefused(() -> receiver.accept(ChunkFrame.decode(ChunkFrame.encode(id, 2, ByteBuffer.wrap(payload, 0, 1)))),
        ProtocolError.MalformedFrame, "index 2 cannot belong to it");
    assertThat(receiver.nextExpectedIndex()).isZero();
  }

  @Test
  void a_binary_frame_header_round_trips_and_bad_headers_are_malformed() throws Exception {
    UUID id = UUID.fromString("0b5e2f7c-1d0a-4c51-9f0e-6a2b8c3d4e5f");
    ByteBuffer frame = ChunkFrame.encode(id, 7, ByteBuffer.wrap(new byte[] {1, 2, 3}));

    assertThat(frame.remaining()).isEqualTo(ChunkFrame.HEADER_SIZE + 3).isEqualTo(28);
    assertThat(frame.get(0)).isEqualTo((byte) 0xC1);
    ChunkFrame decoded = ChunkFrame.decode(frame);
    assertThat(decoded.transferId()).isEqualTo(id);
    assertThat(decoded.index()).isEqualTo(7);
    assertThat(decoded.data()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));

    ByteBuffer wrongMark = ChunkFrame.encode(id, 0, ByteBuffer.allocate(1));
    wrongMark.put(0, (byte) 0x7B);
    ByteBuffer lying = ChunkFrame.encode(id, 0, ByteBuffer.allocate(4));
    lying.putInt(21, 5);
    ByteBuffer negative = ChunkFrame.encode(id, 0, ByteBuffer.allocate(1));
    negative.putInt(17, -1);
    assertRefused(() -> ChunkFrame.decode(ByteBuffer.allocate(10)), ProtocolError.MalformedFrame, "fewer than the 25-byte chunk header");
    assertRefused(() -> ChunkFrame.decode(wrongMark), ProtocolError.MalformedFrame, "starts with 0x7B");
    assertRefused(() -> ChunkFrame.decode(lying), ProtocolError.MalformedFrame, "says 5 data bytes but it carries 4");
    assertRefused(() -> ChunkFrame.decode(negative), ProtocolError.MalformedFrame, "is negative");
  }

  @Test
  void a_payload_that_changed_since_its_manifest_fails_on_the_sending_side() throws Exception {
    byte[] payload = random(2 * SMALL_CHUNK, 14);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    byte[] shorter = java.util.Arrays.copyOf(payload, payload.length - 1);
    byte[] longer = java.util.Arrays.copyOf(payload, payload.length + 1);

    Chunker shortSender = Chunker.open(manifest, new ByteArrayInputStream(shorter), 0, SMALL_FRAME, MAX_SHARE);
    shortSender.next();
    assertThatThrownBy(shortSender::next).isInstanceOf(IOException.class).hasMessageContaining("changed since its manifest");
    Chunker longSender = Chunker.open(manifest, new ByteArrayInputStream(longer), 0, SMALL_FRAME, MAX_SHARE);
    longSender.next();
    assertThatThrownBy(longSender::next).isInstanceOf(IOException.class).hasMessageContaining("it is longer");
  }

  @Test
  void a_manifest_that_does_not_add_up_cannot_be_made() {
    UUID id = UUID.randomUUID();
    String sha = "00".repeat(32);

    assertThatThrownBy(() -> new TransferManifest(id, 10, 4, 2, sha)).hasMessageContaining("has 3 chunks, not 2");
    assertThatThrownBy(() -> new TransferManifest(id, 10, 4, 3, "ABC")).hasMessageContaining("not 64 lowercase hex");
    assertThatThrownBy(() -> new TransferManifest(id, -1, 4, 1, sha)).hasMessageContaining("negative size");
    assertThatThrownBy(() -> TransferManifest.chunkSizeFor(ChunkFrame.HEADER_SIZE)).hasMessageContaining("no room");
  }

  @Test
  void the_manifest_digest_is_the_sha256_of_the_payload() throws Exception {
    byte[] payload = random(50_000, 15);

    TransferManifest manifest = describe(payload, SMALL_FRAME);

    assertThat(manifest.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)));
    assertThat(manifest.totalSize()).isEqualTo(50_000);
    assertThat(manifest.chunkSize()).isEqualTo(SMALL_FRAME - 25);
  }

  @Test
  void a_memory_sink_never_grows_past_the_size_it_was_made_for() throws Exception {
    MemoryChunkSink sink = new MemoryChunkSink(4);
    sink.write(ByteBuffer.wrap(new byte[3]));

    assertThatThrownBy(() -> sink.write(ByteBuffer.wrap(new byte[2]))).isInstanceOf(IOException.class)
        .hasMessageContaining("holds 4 bytes; 5 were written");
    assertThatThrownBy(sink::finish).isInstanceOf(IOException.class).hasMessageContaining("has 3 of its 4 bytes");
  }

  @Test
  void an_abandoned_transfer_leaves_no_temporary_file_behind() throws Exception {
    byte[] payload = random(3 * SMALL_CHUNK, 16);
    TransferManifest manifest = describe(payload, SMALL_FRAME);
    TempFileChunkSink sink = new TempFileChunkSink(dir);
    Reassembler<Path> receiver = new Reassembler<>(manifest, sink, SMALL_FRAME, MAX_SHARE);
    try (Chunker sender = Chunker.open(manifest, new ByteArrayInputStream(payload), 0, SMALL_FRAME, MAX_SHARE)) {
      receiver.accept(ChunkFrame.decode(sender.next()));
    }
    assertThat(sink.file()).exists();

    receiver.abandon();

    assertThat(sink.file()).doesNotExist();
  }

  /** Counts what reaches the sink: each byte must be written once, resends or not. */
  private static final class CountingSink implements ChunkSink<byte[]> {
    private final MemoryChunkSink delegate;
    long written;

    CountingSink(long capacity) {
      this.delegate = new MemoryChunkSink(capacity);
    }

    @Override
    public void write(ByteBuffer data) throws IOException {
      written += data.remaining();
      delegate.write(data);
    }

    @Override
    public long size() {
      return delegate.size();
    }

    @Override
    public byte[] finish() throws IOException {
      return delegate.finish();
    }

    @Override
    public void discard() {
      delegate.discard();
    }
  }
}
