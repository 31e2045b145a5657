package io.consortium.operator.fabric.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.consortium.operator.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads an organization's public MSP folder as Fabric lays it out (cacerts, intermediatecerts,
 * admincerts, tlscacerts, tlsintermediatecerts, config.yaml) into an {@link OrgDefinition}.
 * A folder holding private keys (keystore/ or a key in any PEM) is refused: only public material
 * goes into a channel.
 */
public final class MspDirectory {

  private static final Map<String, String> STANDARD_OUS = Map.of(
      "ClientOUIdentifier", "client", "PeerOUIdentifier", "peer",
      "AdminOUIdentifier", "admin", "OrdererOUIdentifier", "orderer");

  private MspDirectory() {}

  public static OrgDefinition read(Path dir, String mspId, List<OrgDefinition.HostPort> anchorPeers, List<String> ordererEndpoints)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not an MSP directory");
    }
    Path keystore = dir.resolve("keystore");
    if (Files.isDirectory(keystore)) {
      try (Stream<Path> keys = Files.list(keystore)) {
        if (keys.findAny().isPresent()) {
          throw new IllegalArgumentException(dir + " holds private keys (keystore/); give a copy with the public MSP only");
        }
      }
    }
    NodeOus ous = nodeOus(dir, dir.resolve("config.yaml"));
    return new OrgDefinition(mspId,
        certs(dir, "cacerts"), certs(dir, "intermediatecerts"),
        certs(dir, "tlscacerts"), certs(dir, "tlsintermediatecerts"),
        certs(dir, "admincerts"), ous.enabled(), ous.certificate(), anchorPeers, ordererEndpoints);
  }

  private static List<X509Certificate> certs(Path dir, String sub) throws IOException {
    Path folder = dir.resolve(sub);
    List<X509Certificate> out = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return out;
    }
    try (Stream<Path> files = Files.list(folder).sorted()) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.addAll(Pem.certificates(Files.readAllBytes(file), dir.relativize(file).toString()));
      }
    }
    return out;
  }

  private record NodeOus(boolean enabled, X509Certificate certificate) {}

  private static NodeOus nodeOus(Path dir, Path configYaml) throws IOException {
    NodeOus off = new NodeOus(false, null);
    if (!Files.isRegularFile(configYaml)) {
      return off;
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(configYaml.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(configYaml + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    JsonNode ous = root == null ? null : root.get("NodeOUs");
    if (ous == null || !ous.path("Enable").asBoolean(false)) {
      return off;
    }
    java.util.Set<String> certificates = new java.util.TreeSet<>();
    for (var e : STANDARD_OUS.entrySet()) {
      JsonNode id = ous.get(e.getKey());
      if (id != null && !e.getValue().equals(id.path("OrganizationalUnitIdentifier").asText(e.getValue()))) {
        throw new IllegalArgumentException(configYaml + ": " + e.getKey() + " '" + id.path("OrganizationalUnitIdentifier").asText()
            + "' is not the standard '" + e.getValue() + "'; only the standard NodeOU names are supported");
      }
      if (id != null && !id.path("Certificate").asText("").isEmpty()) {
        certificates.add(id.path("Certificate").asText());
      }
    }
    if (certificates.size() > 1) {
      throw new IllegalArgumentException(configYaml + " names different certificates for the NodeOU roles " + certificates
          + "; only one common certificate is supported");
    }
    if (certificates.isEmpty()) {
      return new NodeOus(true, null);
    }
    Path file = dir.resolve(certificates.iterator().next()).normalize();
    if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(configYaml + " names the NodeOU certificate " + certificates.iterator().next()
          + " which is not a file of the MSP folder");
    }
    return new NodeOus(true, Pem.oneCertificate(Files.readAllBytes(file), dir.relativize(file).toString()));
  }
}
