package io.consortium.operator.fabric.chaincode;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;

/**
 * A gzip member whose deflate data is made of stored (uncompressed) blocks, with a fixed header:
 * no file name, mtime 0, XFL 0, OS 255 ("unknown", as Go writes it).
 *
 * <p>Why not {@link java.util.zip.GZIPOutputStream}: its header's OS byte changed between JDK
 * releases (0 before JDK 16, 255 since), and its deflate output depends on the zlib the JVM was
 * built with (zlib, zlib-ng, a distribution's patched copy), so the same files would give
 * different package bytes, and different package IDs, on different machines. Stored blocks are
 * defined byte for byte by RFC 1951; a CCaaS package is a few kilobytes, so nothing is lost.
 */
final class StoredGzip {

  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int MAX_STORED_BLOCK = 65_535;

  private StoredGzip() {}

  static byte[] wrap(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 32 + 5 * (data.length / MAX_STORED_BLOCK));
    out.writeBytes(HEADER);
    int offset = 0;
    do {
      int length = Math.min(MAX_STORED_BLOCK, data.length - offset);
      boolean last = offset + length == data.length;
      out.write(last ? 1 : 0); // BFINAL bit, BTYPE 00 = stored
      out.write(length & 0xff);
      out.write(length >>> 8);
      out.write(~length & 0xff);
      out.write((~length >>> 8) & 0xff);
      out.write(data, offset, length);
      offset += length;
    } while (offset < data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    writeLittleEndian(out, crc.getValue());
    writeLittleEndian(out, data.length & 0xffffffffL);
    return out.toByteArray();
  }

  private static void writeLittleEndian(ByteArrayOutputStream out, long value) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
  }
}
