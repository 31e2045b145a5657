package io.consortium.operator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Archives as a careless or hostile packager makes them: any entry name, any entry type, any nesting. */
public final class TestArchives {

  private TestArchives() {}

  /** One tar entry: a name kept exactly as given (absolute, with "..") and a type (TarConstants.LF_*). */
  public record Entry(String name, byte type, String link, byte[] content) {
    public static Entry file(String name, byte[] content) {
      return new Entry(name, TarConstants.LF_NORMAL, null, content);
    }

    public static Entry of(String name, byte type, String link) {
      return new Entry(name, type, link, type == TarConstants.LF_NORMAL
          ? ("content of " + name).getBytes(StandardCharsets.UTF_8) : new byte[0]);
    }
  }

  public static byte[] tar(Entry... entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.type(), true);
        if (e.link() != null) {
          entry.setLinkName(e.link());
        }
        entry.setSize(e.content().length);
        out.putArchiveEntry(entry);
        out.write(e.content());
        out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A gzip'd tar of regular files, names kept exactly as given. */
  public static byte[] tarGz(Map<String, byte[]> files) {
    return gzip(tar(files.entrySet().stream().map(f -> Entry.file(f.getKey(), f.getValue())).toArray(Entry[]::new)));
  }

  /** A chaincode package (metadata.json, then code.tar.gz) whose code.tar.gz holds these files. */
  public static byte[] chaincodePackage(String label, Map<String, byte[]> code) {
    Map<String, byte[]> outer = new LinkedHashMap<>();
    outer.put("metadata.json", ("{\"type\":\"ccaas\",\"path\":\"\",\"label\":\"" + label + "\"}")
        .getBytes(StandardCharsets.UTF_8));
    outer.put("code.tar.gz", tarGz(code));
    return tarGz(outer);
  }

  public static byte[] zip(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        out.putArchiveEntry(new ZipArchiveEntry(file.getKey()));
        out.write(file.getValue());
        out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
