package io.consortium.operator.fabric.chaincode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A chaincode-as-a-service install package built deterministically: the same label and connection
 * give the same bytes, and so the same package ID, on every machine, time zone, umask and JVM. One
 * org builds it (or each org does, with the same inputs) and every org installs those bytes.
 *
 * <p>Layout: {@code metadata.json} ({@code {"path":"","type":"ccaas","label":...}}) then
 * {@code code.tar.gz} holding only {@code connection.json}; both archives as written by
 * {@link DeterministicTar} and {@link StoredGzip}.
 */
public record CcaasPackage(byte[] bytes, PackageId id, CcaasConnection connection) {

  public CcaasPackage {
    bytes = bytes.clone();
  }

  public static final String TYPE = "ccaas";
  public static final String CONNECTION_FILE = "connection.json";
  private static final int MAX_CONNECTION_BYTES = 1 << 20;
  /** A CCaaS package holds two small JSON files; anything this big is not one. */
  private static final int MAX_PACKAGE_BYTES = 16 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Builds the package; refuses a TLS setup a peer could not use. */
  public static CcaasPackage build(PackageLabel label, CcaasConnection connection) {
    if (!connection.tlsRequired()) {
      if (connection.clientAuthRequired()) {
        throw new IllegalArgumentException("client_auth_required needs tls_required: client authentication is part of TLS");
      }
      if (!connection.rootCert().isEmpty() || !connection.clientCert().isEmpty() || !connection.clientKey().isEmpty()) {
        throw new IllegalArgumentException(
            "a root or client certificate was given but tls_required is false: the peer would ignore it");
      }
    } else if (connection.rootCert().isEmpty()) {
      throw new IllegalArgumentException(
          "tls_required needs root_cert: the CA certificate the peer verifies the chaincode server with");
    }
    byte[] code = StoredGzip.wrap(DeterministicTar.of(List.of(new DeterministicTar.File(CONNECTION_FILE, connection.toJson()))));
    byte[] bytes = StoredGzip.wrap(DeterministicTar.of(List.of(
        new DeterministicTar.File(ChaincodePackage.METADATA_FILE, metadataJson(label)),
        new DeterministicTar.File(ChaincodePackage.CODE_PACKAGE_FILE, code))));
    try {
      // Read back with the same parser every org uses, which also yields the ID.
      return new CcaasPackage(bytes, ChaincodePackage.read(new ByteArrayInputStream(bytes)).id(), connection);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a package from memory failed", e);
    }
  }

  /**
   * Reads a received CCaaS package: checks it as Fabric's peer would, checks its type, and returns
   * its connection, refusing one that carries a private key.
   */
  public static CcaasPackage read(InputStream packageFile) throws IOException {
    CcaasConnection[] connection = new CcaasConnection[1];
    ByteArrayCapture capture = new ByteArrayCapture(packageFile);
    ChaincodePackage pkg = ChaincodePackage.read(capture, code -> connection[0] = connectionIn(code));
    if (!TYPE.equals(pkg.metadata().type().toLowerCase(Locale.ROOT))) {
      throw new InvalidChaincodePackageException(
          "not a chaincode-as-a-service package: metadata.json type is '" + pkg.metadata().type() + "', not 'ccaas'");
    }
    if (connection[0] == null) {
      throw new InvalidChaincodePackageException("the code package of a ccaas package holds no " + CONNECTION_FILE);
    }
    return new CcaasPackage(capture.bytes(), pkg.id(), connection[0]);
  }

  private static CcaasConnection connectionIn(InputStream codeTarGz) throws IOException {
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(codeTarGz));
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        if (entry.getName().equals(CONNECTION_FILE) || entry.getName().equals("./" + CONNECTION_FILE)) {
          byte[] json = tar.readNBytes(MAX_CONNECTION_BYTES + 1);
          if (json.length > MAX_CONNECTION_BYTES) {
            throw new InvalidChaincodePackageException(CONNECTION_FILE + " is larger than " + MAX_CONNECTION_BYTES + " bytes");
          }
          try {
            return CcaasConnection.fromJson(json);
          } catch (IllegalArgumentException e) {
            throw new InvalidChaincodePackageException(CONNECTION_FILE + ": " + e.getMessage());
          }
        }
      }
      return null;
    } catch (IOException e) {
      if (e.getCause() instanceof InvalidChaincodePackageException invalid) {
        throw invalid;
      }
      throw new InvalidChaincodePackageException("code.tar.gz is not a readable tar.gz: " + ChaincodePackage.describe(e));
    }
  }

  static byte[] metadataJson(PackageLabel label) {
    // Key order of Fabric's peer CLI (its Go struct): path, type, label.
    ObjectNode node = JSON.createObjectNode();
    node.put("path", "");
    node.put("type", TYPE);
    node.put("label", label.value());
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Keeps the bytes that stream by; a CCaaS package is small. */
  private static final class ByteArrayCapture extends java.io.FilterInputStream {
    private final java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();

    ByteArrayCapture(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        copy.write(b);
        tooLarge();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        copy.write(b, off, n);
        tooLarge();
      }
      return n;
    }

    private void tooLarge() {
      if (copy.size() > MAX_PACKAGE_BYTES) {
        throw new InvalidChaincodePackageException(
            "package is larger than " + MAX_PACKAGE_BYTES + " bytes: not a chaincode-as-a-service package");
      }
    }

    byte[] bytes() {
      return copy.toByteArray();
    }
  }

  /** The package file's bytes (a copy: the record stays what was built). */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CcaasPackage other && java.util.Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "CcaasPackage[" + id + ", " + bytes.length + " bytes]";
  }
}
