package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an embedded API server keeps its objects across restarts ({@code run --embedded --data-dir}).
 * Every file is replaced whole: written to a temporary file in the same directory, forced to disk,
 * then renamed over the old one, so a crash at any moment leaves either the old file or the new one,
 * never a half-written one. The objects are written by one thread as soon as they change (changes
 * made while a write is under way go into the next one); a stop writes what is left.
 *
 * <p>Resource versions are reserved ahead in their own file, so that a restarted server never hands
 * out a resource version a client already saw, whatever the last snapshot holds.
 */
public final class DataDirectory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String OBJECTS = "objects.json";
  static final String RESOURCE_VERSION = "resource-version";
  static final String PORTS = "ports.properties";
  private static final String LOCK = "lock";
  private static final String FORMAT = "consortium-operator embedded store 1";
  /** How many resource versions one write of {@link #RESOURCE_VERSION} reserves. */
  private static final long RESERVATION = 10_000;

  /** One stored object: the collection it belongs to ({@code /api/v1/namespaces/org1/secrets}) and its JSON. */
  public record StoredObject(String collection, String json) {}

  /** What the directory held when it was opened. */
  public record Stored(long resourceVersion, List<StoredObject> objects) {}

  private final Path dir;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final Properties ports = new Properties();
  private long reservedResourceVersion;
  private final Object writes = new Object();
  private long requested;
  private long written;
  private Supplier<Collection<StoredObject>> snapshot;
  private Thread writer;
  private String lastFailure;
  private boolean closed;

  private DataDirectory(Path dir, FileChannel lockFile, FileLock lock) {
    this.dir = dir;
    this.lockFile = lockFile;
    this.lock = lock;
  }

  /** Opens (creating it if need be) and locks {@code dir}: two processes never share a data directory. */
  public static DataDirectory open(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    FileChannel channel = null;
    try {
      Files.createDirectories(absolute);
      channel = FileChannel.open(absolute.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("the data directory " + absolute + " (--data-dir) is in use by another"
            + " consortium-operator; stop it, or give this one another --data-dir");
      }
      DataDirectory data = new DataDirectory(absolute, channel, lock);
      // The ports are needed before the store is read: they are bound first.
      Path portsFile = absolute.resolve(PORTS);
      if (Files.exists(portsFile)) {
        data.ports.load(new StringReader(Files.readString(portsFile, StandardCharsets.UTF_8)));
      }
      return data;
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new IllegalStateException("the data directory " + absolute + " (--data-dir) is already in use in this process");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException("cannot use the data directory " + absolute + " (--data-dir): " + e.getMessage(), e);
    }
  }

  public Path path() {
    return dir;
  }

  /**
   * What the directory holds. Temporary files a crash left behind are removed (the file they were to
   * replace is whole); a file that cannot be read stops the start, since starting empty would lose
   * this instance's identity and pairings without a word.
   */
  public Stored load() {
    removeTemporaryFiles();
    try {
      Path resourceVersion = dir.resolve(RESOURCE_VERSION);
      if (Files.exists(resourceVersion)) {
        String text = Files.readString(resourceVersion, StandardCharsets.UTF_8).strip();
        try {
          reservedResourceVersion = Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw unreadable(resourceVersion, "not a number: '" + text + "'");
        }
      }
      Path objectsFile = dir.resolve(OBJECTS);
      List<StoredObject> objects = new ArrayList<>();
      long lastResourceVersion = 0;
      if (Files.exists(objectsFile)) {
        JsonNode root;
        try {
          root = MAPPER.readTree(objectsFile.toFile());
        } catch (IOException e) {
          throw unreadable(objectsFile, e.getMessage());
        }
        if (root == null || !FORMAT.equals(root.path("format").asText()) || !root.path("objects").isArray()) {
          throw unreadable(objectsFile, "it is not an embedded store written by consortium-operator");
        }
        lastResourceVersion = root.path("resourceVersion").asLong();
        for (JsonNode entry : root.get("objects")) {
          objects.add(new StoredObject(entry.path("collection").asText(), entry.path("object").toString()));
        }
      }
      // Never below what the snapshot holds, should the reservation file be missing.
      reservedResourceVersion = Math.max(reservedResourceVersion, lastResourceVersion);
      return new Stored(reservedResourceVersion, objects);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes sure {@code version} is reserved on disk before it is handed out: a write of the small
   * reservation file every {@value #RESERVATION} versions.
   */
  public synchronized void reserveResourceVersion(long version) {
    if (version <= reservedResourceVersion) {
      return;
    }
    long reserve = version + RESERVATION;
    try {
      replace(dir.resolve(RESOURCE_VERSION), (reserve + "\n").getBytes(StandardCharsets.UTF_8));
      reservedResourceVersion = reserve;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(RESOURCE_VERSION) + ": " + e.getMessage(), e);
    }
  }

  /** The port remembered under {@code name} from an earlier start, if any. */
  public synchronized OptionalInt port(String name) {
    String value = ports.getProperty(name);
    try {
      return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value.strip()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** Remembers the port a listener got, so that the next start takes it again (invitations name it). */
  public synchronized void rememberPort(String name, int port) {
    if (String.valueOf(port).equals(ports.getProperty(name))) {
      return;
    }
    ports.setProperty(name, String.valueOf(port));
    StringBuilder text = new StringBuilder("# ports this instance listened on; taken again at the next start\n");
    ports.stringPropertyNames().stream().sorted()
        .forEach(key -> text.append(key).append('=').append(ports.getProperty(key)).append('\n'));
    try {
      replace(dir.resolve(PORTS), text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(PORTS) + ": " + e.getMessage(), e);
    }
  }

  /** Starts the thread that writes {@code snapshot} after each {@link #changed()}. */
  void startWriting(Supplier<Collection<StoredObject>> snapshot) {
    synchronized (writes) {
      this.snapshot = snapshot;
      writer = new Thread(this::writeLoop, "embedded-store-writer");
      writer.setDaemon(true);
      writer.start();
    }
  }

  /** The objects changed: they are written soon, by the writer thread. */
  void changed() {
    synchronized (writes) {
      requested++;
      writes.notifyAll();
    }
  }

  /** Waits until every change so far is on disk. */
  public void flush() {
    synchronized (writes) {
      long target = requested;
      while (written < target && writer != null && writer.isAlive()) {
        try {
          writes.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void writeLoop() {
    while (true) {
      long target;
      synchronized (writes) {
        while (written == requested && !closed) {
          try {
            writes.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (written == requested) {
          return;
        }
        target = requested;
      }
      try {
        writeObjects(snapshot.get(), reservedResourceVersion());
        lastFailure = null;
      } catch (IOException | RuntimeException e) {
        // The server keeps answering; the next change tries again. Said once per kind of failure.
        String failure = String.valueOf(e.getMessage());
        if (!failure.equals(lastFailure)) {
          LOG.error("Cannot write the embedded API server's objects to {}: {}", dir.resolve(OBJECTS), failure);
          lastFailure = failure;
        }
      }
      synchronized (writes) {
        written = target;
        writes.notifyAll();
      }
    }
  }

  private synchronized long reservedResourceVersion() {
    return reservedResourceVersion;
  }

  private void writeObjects(Collection<StoredObject> objects, long resourceVersion) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("{\"format\":\"" + FORMAT + "\",\"resourceVersion\":" + resourceVersion + ",\"objects\":[")
        .getBytes(StandardCharsets.UTF_8));
    boolean first = true;
    for (StoredObject object : objects) {
      out.write(((first ? "\n" : ",\n") + "{\"collection\":" + MAPPER.writeValueAsString(object.collection())
          + ",\"object\":" + object.json() + "}").getBytes(StandardCharsets.UTF_8));
      first = false;
    }
    out.write("\n]}\n".getBytes(StandardCharsets.UTF_8));
    replace(dir.resolve(OBJECTS), out.toByteArray());
  }

  /** Temp file in the same directory, forced to disk, renamed over {@code target}, directory forced. */
  private void replace(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + dir + " cannot rename atomically: choose another --data-dir", e);
    }
    // The rename is durable once the directory is; not every platform lets a directory be opened.
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Cannot force the directory {}: {}", dir, e.toString());
    }
  }

  private void removeTemporaryFiles() {
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "*.tmp")) {
      for (Path temp : temps) {
        LOG.info("Removing {}, left by a write that did not finish (the file it was to replace is whole)", temp);
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private IllegalStateException unreadable(Path file, String why) {
    return new IllegalStateException("the embedded API server's store " + file + " cannot be read (" + why + "):"
        + " it was damaged outside consortium-operator; restore it from a backup, or move the directory away to start"
        + " empty (a new instance identity: every pairing would have to be made again)");
  }

  /** Writes what is left, stops the writer and releases the directory. */
  @Override
  public void close() {
    Thread stopping;
    synchronized (writes) {
      if (closed) {
        return;
      }
      closed = true;
      writes.notifyAll();
      stopping = writer;
    }
    if (stopping != null) {
      try {
        stopping.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      lock.release();
    } catch (IOException e) {
      LOG.debug("Releasing {}: {}", dir.resolve(LOCK), e.toString());
    }
    closeQuietly(lockFile);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing left to do with it.
      }
    }
  }
}
