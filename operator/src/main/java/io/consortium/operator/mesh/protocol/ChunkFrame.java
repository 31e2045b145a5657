package io.consortium.operator.mesh.protocol;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * One binary frame of a chunked transfer: a fixed 25-byte header, then the chunk's bytes, no
 * base64. The header is a mark byte ({@code 0xC1}: high nibble 0xC says "consortium chunk", low
 * nibble the chunk format version 1), the 16-byte transfer ID, the chunk index and the data
 * length (both big-endian int).
 *
 * @param data the chunk's bytes; when decoded, a view into the frame, not a copy
 */
public record ChunkFrame(UUID transferId, int index, ByteBuffer data) {

  public static final byte MARK = (byte) 0xC1;
  public static final int HEADER_SIZE = 1 + 16 + 4 + 4;

  /** Writes the header of a chunk of {@code length} bytes into {@code frame}. */
  public static void writeHeader(ByteBuffer frame, UUID transferId, int index, int length) {
    frame.put(MARK)
        .putLong(transferId.getMostSignificantBits())
        .putLong(transferId.getLeastSignificantBits())
        .putInt(index)
        .putInt(length);
  }

  /** A whole frame (header and a copy of the data), ready to write. */
  public static ByteBuffer encode(UUID transferId, int index, ByteBuffer data) {
    ByteBuffer frame = ByteBuffer.allocate(HEADER_SIZE + data.remaining());
    writeHeader(frame, transferId, index, data.remaining());
    frame.put(data.duplicate());
    return frame.flip();
  }

  /** Reads a binary frame; the data is a slice of it, so no chunk is copied on the way in. */
  public static ChunkFrame decode(ByteBuffer frame) throws ProtocolException {
    ByteBuffer in = frame.duplicate();
    if (in.remaining() < HEADER_SIZE) {
      throw malformed("it has " + in.remaining() + " bytes, fewer than the " + HEADER_SIZE + "-byte chunk header");
    }
    byte mark = in.get();
    if (mark != MARK) {
      throw malformed(String.format("it starts with 0x%02X, not the chunk mark 0x%02X (chunk format 1)", mark & 0xff, MARK & 0xff));
    }
    UUID transferId = new UUID(in.getLong(), in.getLong());
    int index = in.getInt();
    int length = in.getInt();
    if (index < 0) {
      throw malformed("its chunk index " + index + " is negative");
    }
    if (length != in.remaining()) {
      throw malformed("its header says " + length + " data bytes but it carries " + in.remaining());
    }
    return new ChunkFrame(transferId, index, in.slice());
  }

  private static ProtocolException malformed(String why) {
    return new ProtocolException(ProtocolError.MalformedFrame, "a malformed chunk frame was refused: " + why);
  }
}
