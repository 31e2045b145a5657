package io.consortium.operator.fabric.chaincode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A ustar archive of regular files whose bytes depend only on the files given: entries in the
 * given order, mtime 0, uid/gid 0, empty user and group names, mode 0644. Nothing comes from the
 * machine (clock, time zone, umask, user name, file system order).
 */
final class DeterministicTar {

  /** One regular file of the archive. */
  record File(String name, byte[] content) {}

  private static final FileTime EPOCH = FileTime.fromMillis(0);
  private static final int REGULAR_FILE_0644 = 0100644;

  private DeterministicTar() {}

  static byte[] of(List<File> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      // Names are short ASCII constants; anything needing a GNU or PAX extension is a bug here.
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
      for (File file : files) {
        TarArchiveEntry entry = new TarArchiveEntry(file.name());
        entry.setSize(file.content().length);
        entry.setModTime(EPOCH);
        entry.setMode(REGULAR_FILE_0644);
        entry.setUserId(0);
        entry.setGroupId(0);
        // The entry constructor fills in the JVM's user.name: overwrite it.
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        tar.write(file.content());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("writing a tar archive to memory failed", e);
    }
    return bytes.toByteArray();
  }
}
