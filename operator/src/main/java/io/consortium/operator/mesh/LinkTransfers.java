package io.consortium.operator.mesh;

import io.consortium.operator.mesh.protocol.ChunkFrame;
import io.consortium.operator.mesh.protocol.Chunker;
import io.consortium.operator.mesh.protocol.ProtocolError;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.Reassembler;
import io.consortium.operator.mesh.protocol.SpillBuffer;
import io.consortium.operator.mesh.protocol.TempFileChunkSink;
import io.consortium.operator.mesh.protocol.TransferManifest;
import io.consortium.operator.api.ByteSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunked transfers of one link, both ways: payloads larger than a frame travel as a signed
 * TRANSFER_BEGIN (the manifest), bare binary chunks, then the message that claims them.
 *
 * <p>Receiving, each transfer is spooled to a file in the {@link TransferSpool}, within the link's
 * {@link TransferLimits} (transfers at once, bytes announced). A transfer ends in exactly one of:
 * claimed by its message (the file is read and deleted), refused (a bad chunk, a checksum mismatch:
 * deleted), replaced by a TRANSFER_BEGIN with the same ID (deleted), or dropped with the link
 * ({@link #close}: deleted). Calls come in order from the link's worker; {@link #close} may also come
 * from the operator stopping, so every method holds the lock.
 */
public final class LinkTransfers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LinkTransfers.class);
  /** Chunks written but not yet flushed to the link, at most: bounds the heap a large transfer takes. */
  private static final int CHUNKS_IN_FLIGHT = 16;
  private static final Duration CHUNK_WRITE_TIMEOUT = Duration.ofSeconds(60);

  /** Reads a claimed payload; the file is deleted after it, whatever happens. */
  public interface PayloadReader<T> {
    T read(Path payload) throws IOException;
  }

  private final TransferSpool spool;
  private final TransferLimits limits;
  private final Map<UUID, Reassembler<Path>> receiving = new LinkedHashMap<>();
  private final Map<UUID, Received> received = new LinkedHashMap<>();
  private long spooledBytes;
  private boolean closed;

  private record Received(Path file, long announced) {}

  public LinkTransfers(TransferSpool spool, TransferLimits limits) {
    this.spool = spool;
    this.limits = limits;
  }

  // ---- receiving -------------------------------------------------------------------------------

  /**
   * A TRANSFER_BEGIN: its file is made once the transfer fits the link's limits. One with the ID of a
   * transfer this link holds replaces it, whose file goes.
   *
   * @throws ProtocolException PayloadTooLarge, FrameTooLarge, or TransferLimit (the peer exceeded
   *     what one link may spool: the caller closes the link)
   */
  public synchronized void begin(TransferManifest manifest) throws ProtocolException {
    if (closed) {
      return;
    }
    UUID id = manifest.transferId();
    if (manifest.totalSize() > limits.maxShareSize()) {
      throw new ProtocolException(ProtocolError.PayloadTooLarge, "transfer " + id + " announces "
          + manifest.totalSize() + " bytes, more than this instance's --max-share-size (" + limits.maxShareSize()
          + " bytes)");
    }
    drop(id);
    if (receiving.size() + received.size() >= limits.maxTransfers()) {
      throw new ProtocolException(ProtocolError.TransferLimit, "transfer " + id + " would be one more than the "
          + limits.maxTransfers() + " this instance takes at once on one link (--max-transfers-per-link)");
    }
    if (spooledBytes + manifest.totalSize() > limits.maxSpooledBytes()) {
      throw new ProtocolException(ProtocolError.TransferLimit, "transfer " + id + " announces "
          + manifest.totalSize() + " bytes while " + spooledBytes + " are spooled for this link already; at most "
          + ByteSize.format(limits.maxSpooledBytes()) + " at once (--max-spooled-per-link)");
    }
    TempFileChunkSink sink;
    try {
      sink = new TempFileChunkSink(spool.directory());
    } catch (IOException e) {
      throw new ProtocolException(ProtocolError.MalformedFrame, "transfer " + id + " cannot be received here: "
          + e.getMessage());
    }
    try {
      receiving.put(id, new Reassembler<>(manifest, sink, limits.frameLimit(), limits.maxShareSize()));
      spooledBytes += manifest.totalSize();
    } catch (ProtocolException refused) {
      discard(sink);
      throw refused;
    }
  }

  /**
   * A binary frame: a chunk of a transfer under way. A chunk that is refused ends its transfer (its file
   * is deleted); the sender sends the share again whole.
   */
  public synchronized void chunk(byte[] data) throws ProtocolException, IOException {
    if (closed) {
      return;
    }
    ChunkFrame chunk = ChunkFrame.decode(ByteBuffer.wrap(data));
    UUID id = chunk.transferId();
    Reassembler<Path> transfer = receiving.get(id);
    if (transfer == null) {
      throw new ProtocolException(ProtocolError.UnknownTransfer, "a chunk of transfer " + id
          + ", which no TRANSFER_BEGIN announced");
    }
    Reassembler.Progress progress;
    try {
      progress = transfer.accept(chunk);
    } catch (ProtocolException | IOException | RuntimeException e) {
      drop(id);
      throw e;
    }
    if (progress == Reassembler.Progress.COMPLETE) {
      receiving.remove(id);
      received.put(id, new Received(transfer.result(), transfer.manifest().totalSize()));
    }
  }

  /**
   * The message that names a complete transfer takes its payload: {@code reader} reads the file, which
   * is deleted after it.
   *
   * @throws ProtocolException UnknownTransfer when the transfer did not arrive whole on this link
   */
  public <T> T claim(UUID id, String what, PayloadReader<T> reader) throws ProtocolException, IOException {
    Received payload;
    synchronized (this) {
      payload = received.remove(id);
      if (payload == null) {
        throw new ProtocolException(ProtocolError.UnknownTransfer, what + " names transfer " + id
            + ", which did not arrive whole");
      }
      spooledBytes -= payload.announced();
    }
    try {
      return reader.read(payload.file());
    } finally {
      deleteQuietly(payload.file());
    }
  }

  /** Transfers under way or complete and not yet claimed. */
  public synchronized int held() {
    return receiving.size() + received.size();
  }

  /** Drops every transfer of the link and deletes its files; later frames are ignored. */
  @Override
  public synchronized void close() {
    closed = true;
    for (UUID id : new java.util.ArrayList<>(receiving.keySet())) {
      drop(id);
    }
    for (UUID id : new java.util.ArrayList<>(received.keySet())) {
      drop(id);
    }
  }

  /** Forgets a transfer this link holds, if it does, and deletes its file. */
  private void drop(UUID id) {
    Reassembler<Path> partial = receiving.remove(id);
    if (partial != null) {
      spooledBytes -= partial.manifest().totalSize();
      try {
        partial.abandon();
      } catch (IOException e) {
        LOG.debug("Could not delete a partial transfer: {}", e.getMessage());
      }
    }
    Received whole = received.remove(id);
    if (whole != null) {
      spooledBytes -= whole.announced();
      deleteQuietly(whole.file());
    }
  }

  private static void discard(TempFileChunkSink sink) {
    try {
      sink.discard();
    } catch (IOException e) {
      LOG.debug("Could not delete {}: {}", sink.file(), e.getMessage());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("Could not delete {}: {}", file, e.getMessage());
    }
  }

  // ---- sending ---------------------------------------------------------------------------------

  /** A buffer for an outgoing payload: in memory up to a frame, spooled beyond. */
  public SpillBuffer newPayload() {
    return new SpillBuffer(limits.frameLimit(), spool.directory());
  }

  /**
   * Sends a payload in chunks: the signed manifest through {@code signed}, then the chunks as binary
   * frames with at most {@value #CHUNKS_IN_FLIGHT} unflushed, so that the link, not the heap, sets the
   * pace. Returns the transfer's ID, for the message that claims it. Blocks: call it from the link's
   * worker, never its I/O thread.
   */
  public UUID send(LinkConnection link, SpillBuffer payload, Consumer<Record> signed)
      throws IOException, ProtocolException, InterruptedException, ExecutionException, TimeoutException {
    UUID id = UUID.randomUUID();
    TransferManifest manifest;
    try (InputStream in = payload.open()) {
      manifest = TransferManifest.describe(id, in, limits.frameLimit(), limits.maxShareSize());
    }
    signed.accept(manifest);
    ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    try (InputStream in = payload.open();
        Chunker chunker = Chunker.open(manifest, in, 0, limits.frameLimit(), limits.maxShareSize())) {
      while (chunker.hasNext()) {
        ByteBuffer frame = chunker.next();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        inFlight.add(link.sendBinary(bytes));
        if (inFlight.size() >= CHUNKS_IN_FLIGHT) {
          inFlight.poll().get(CHUNK_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    }
    return id;
  }
}
