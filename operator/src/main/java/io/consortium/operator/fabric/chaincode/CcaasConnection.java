package io.consortium.operator.fabric.chaincode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The {@code connection.json} of a chaincode-as-a-service package, the fields Fabric's CCaaS
 * builder reads ({@code ccaas_builder/cmd/build}): how a peer dials the chaincode server.
 *
 * <p>Every string may be a Go template such as {@code {{.peername}}_basic:9999}: the builder fills
 * it per peer from {@code CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG}, so one package, and one package
 * ID, serves every org. {@code client_key} may only be such a template: a package is shared, and
 * a private key never is. Certificates given as PEM are kept in canonical form.
 *
 * @param address {@code host:port} of the chaincode server, or a template
 * @param dialTimeout a Go duration such as {@code 10s}, or a template
 * @param rootCert PEM of the CA that signed the server's TLS certificate, a template, or empty
 * @param clientCert PEM of the peer's TLS client certificate, a template, or empty
 * @param clientKey empty, or a template each peer fills with its own key
 */
public record CcaasConnection(
    String address,
    String dialTimeout,
    boolean tlsRequired,
    boolean clientAuthRequired,
    String rootCert,
    String clientCert,
    String clientKey) {

  public static final String DEFAULT_DIAL_TIMEOUT = "10s";

  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");
  private static final ObjectMapper JSON = new ObjectMapper();

  public CcaasConnection {
    dialTimeout = dialTimeout == null || dialTimeout.isEmpty() ? DEFAULT_DIAL_TIMEOUT : dialTimeout;
    rootCert = rootCert == null ? "" : rootCert;
    clientCert = clientCert == null ? "" : clientCert;
    clientKey = clientKey == null ? "" : clientKey;
    refusePrivateKey("address", address);
    refusePrivateKey("dial_timeout", dialTimeout);
    if (!clientKey.isEmpty() && !isTemplate(clientKey)) {
      throw new IllegalArgumentException(
          "client_key must not carry key material in a package meant to be shared: leave it empty or"
              + " use a template such as {{.client_key}} that each peer's builder config fills in");
    }
    checkAddress(address);
    if (!isTemplate(dialTimeout) && !GO_DURATION.matcher(dialTimeout).matches()) {
      throw new IllegalArgumentException("dial_timeout '" + dialTimeout + "' is not a Go duration such as 10s, 500ms or 1m30s");
    }
    rootCert = certificateOrTemplate(rootCert, "root_cert");
    clientCert = certificateOrTemplate(clientCert, "client_cert");
  }

  /** A plain-TCP connection (no TLS) to {@code address}. */
  public static CcaasConnection plain(String address, String dialTimeout) {
    return new CcaasConnection(address, dialTimeout, false, false, "", "", "");
  }

  /** The {@code connection.json} bytes: fixed key order, compact, UTF-8. */
  public byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("address", address);
    node.put("dial_timeout", dialTimeout);
    node.put("tls_required", tlsRequired);
    node.put("client_auth_required", clientAuthRequired);
    if (!rootCert.isEmpty()) {
      node.put("root_cert", rootCert);
    }
    if (!clientCert.isEmpty()) {
      node.put("client_cert", clientCert);
    }
    if (!clientKey.isEmpty()) {
      node.put("client_key", clientKey);
    }
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serializes", e);
    }
  }

  /** Reads a {@code connection.json}, refusing one that carries a private key. */
  public static CcaasConnection fromJson(byte[] json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("connection.json is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("connection.json must be a JSON object");
    }
    return new CcaasConnection(
        text(node, "address"),
        text(node, "dial_timeout"),
        node.path("tls_required").asBoolean(false),
        node.path("client_auth_required").asBoolean(false),
        text(node, "root_cert"),
        text(node, "client_cert"),
        text(node, "client_key"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("connection.json field '" + field + "' must be a string");
    }
    return value.asText();
  }

  static boolean isTemplate(String value) {
    return value.contains("{{");
  }

  private static void refusePrivateKey(String field, String value) {
    if (Pem.containsPrivateKey(value)) {
      throw new IllegalArgumentException(
          field + " contains a PEM private key: a package meant to be shared must never carry one");
    }
  }

  private static void checkAddress(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("address of the chaincode server is empty (expected host:port)");
    }
    if (address.chars().anyMatch(Character::isWhitespace) && !isTemplate(address)) {
      throw new IllegalArgumentException("address '" + address + "' contains whitespace (expected host:port)");
    }
    if (isTemplate(address)) {
      checkTemplate("address", address);
      return;
    }
    var m = HOST_PORT.matcher(address);
    if (!m.matches()) {
      throw new IllegalArgumentException("address '" + address + "' is not host:port");
    }
    int port = Integer.parseInt(m.group(2));
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("address '" + address + "' has port " + port + ", outside 1-65535");
    }
  }

  private static String certificateOrTemplate(String value, String field) {
    if (value.isEmpty()) {
      return value;
    }
    if (isTemplate(value) && !value.contains("-----BEGIN")) {
      checkTemplate(field, value);
      return value;
    }
    return Pem.canonicalCertificates(value, field);
  }

  /** Go templates here are plain actions: each {{ closed by }} with something inside. */
  private static void checkTemplate(String field, String value) {
    int at = 0;
    while ((at = value.indexOf("{{", at)) >= 0) {
      int end = value.indexOf("}}", at + 2);
      if (end < 0) {
        throw new IllegalArgumentException(field + " template '" + value + "' has a '{{' without '}}'");
      }
      if (value.substring(at + 2, end).isBlank()) {
        throw new IllegalArgumentException(field + " template '" + value + "' has an empty {{ }} action");
      }
      at = end + 2;
    }
    if (value.replaceAll("\\{\\{.*?}}", "").contains("}}")) {
      throw new IllegalArgumentException(field + " template '" + value + "' has a '}}' without '{{'");
    }
  }

  @Override
  public String toString() {
    return new String(toJson(), StandardCharsets.UTF_8);
  }
}
