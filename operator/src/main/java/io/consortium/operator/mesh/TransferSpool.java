package io.consortium.operator.mesh;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory where this operator spools payloads larger than a frame, both ways: incoming
 * transfers as {@code transfer-*.part}, outgoing payloads as {@code offer-*.json}. The operator
 * owns it (one directory per operator, {@code --transfer-dir}): what a stopped or killed operator
 * left there is swept when the next one starts leading, and again when it stops. Only those two
 * kinds of file are ever deleted, so a directory given by mistake loses nothing else.
 */
public final class TransferSpool {

  private static final Logger LOG = LoggerFactory.getLogger(TransferSpool.class);
  /** The names {@link io.consortium.operator.mesh.protocol.TempFileChunkSink} and {@link io.consortium.operator.mesh.protocol.SpillBuffer} give their files. */
  private static final String SPOOLED = "{transfer-*.part,offer-*.json}";

  private final Path directory;

  /** Without {@code --transfer-dir}: a directory of this namespace's own under the JVM's temp directory. */
  public static Path defaultDirectory(String namespace) {
    return Path.of(System.getProperty("java.io.tmpdir"), "consortium-transfers", namespace);
  }

  /** Creates the directory if it is missing, readable by this user only where the file system allows. */
  public TransferSpool(Path directory) {
    this.directory = directory;
    try {
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(directory);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
          Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
      }
      if (!Files.isWritable(directory)) {
        throw new IOException("not writable");
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("cannot use " + directory + " to spool transfers (--transfer-dir): " + e.getMessage());
    }
  }

  public Path directory() {
    return directory;
  }

  /** Deletes every spooled file in the directory; returns how many there were. */
  public int sweep() {
    int removed = 0;
    long bytes = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, SPOOLED)) {
      for (Path file : files) {
        try {
          long size = Files.size(file);
          if (Files.deleteIfExists(file)) {
            removed++;
            bytes += size;
          }
        } catch (IOException e) {
          LOG.warn("Could not remove the spooled file {}: {}", file, e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not list {} to remove spooled transfers: {}", directory, e.getMessage());
    }
    if (removed > 0) {
      LOG.info("Removed {} spooled transfer file(s), {} bytes, left in {} by an earlier run", removed, bytes, directory);
    }
    return removed;
  }

  /** The spooled files there now, for tests and for people. */
  public java.util.List<Path> files() {
    java.util.List<Path> found = new java.util.ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, SPOOLED)) {
      files.forEach(found::add);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }
}
