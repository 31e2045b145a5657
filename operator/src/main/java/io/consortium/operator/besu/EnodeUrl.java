package io.consortium.operator.besu;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Besu enode URL, {@code enode://<128 hex>@host:port[?discport=N]}: how a node is named in
 * {@code static-nodes.json}, bootnode lists and the node allowlist. The host may be an IPv4
 * address, a bracketed IPv6 address or a DNS name (Besu accepts names only with its DNS support
 * on, {@code --Xdns-enabled=true}, which Kubernetes service names need).
 */
public record EnodeUrl(String nodeId, String host, int port, Integer discoveryPort) {

  private static final String SCHEME = "enode://";
  private static final Pattern DISCPORT = Pattern.compile("discport=([0-9]{1,5})");
  private static final Pattern IPV4_LIKE = Pattern.compile("[0-9]+(\\.[0-9]+){3}");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public EnodeUrl {
    nodeId = checkNodeId(nodeId);
    host = checkHost(host);
    checkPort(port, "listening port");
    if (discoveryPort != null) {
      checkPort(discoveryPort, "discovery port");
      // Besu writes the query only when the ports differ: keep one form for one node.
      if (discoveryPort == port) {
        discoveryPort = null;
      }
    }
  }

  /** Parses an enode URL; a malformed one is refused with the reason. */
  public static EnodeUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("enode URL is empty");
    }
    String s = text.strip();
    if (!s.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw new IllegalArgumentException("enode URL '" + abbreviate(s) + "' does not start with enode://");
    }
    String rest = s.substring(SCHEME.length());
    int at = rest.indexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("enode URL '" + abbreviate(s) + "' has no @host:port part");
    }
    String id = rest.substring(0, at);
    String endpoint = rest.substring(at + 1);
    Integer discport = null;
    int q = endpoint.indexOf('?');
    if (q >= 0) {
      String query = endpoint.substring(q + 1);
      endpoint = endpoint.substring(0, q);
      Matcher m = DISCPORT.matcher(query);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "enode URL query '" + query + "' is not understood: only discport=<port> is allowed");
      }
      discport = Integer.parseInt(m.group(1));
    }
    String host;
    String portText;
    if (endpoint.startsWith("[")) {
      int close = endpoint.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("enode URL IPv6 host '" + endpoint + "' has no closing ]");
      }
      host = endpoint.substring(0, close + 1);
      String afterHost = endpoint.substring(close + 1);
      if (!afterHost.startsWith(":")) {
        throw new IllegalArgumentException("enode URL has no port after host " + host);
      }
      portText = afterHost.substring(1);
    } else {
      int colon = endpoint.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("enode URL has no port after host '" + endpoint + "'");
      }
      host = endpoint.substring(0, colon);
      portText = endpoint.substring(colon + 1);
    }
    if (portText.isEmpty()) {
      throw new IllegalArgumentException("enode URL has an empty port");
    }
    if (!portText.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("enode URL port '" + portText + "' is not a number");
    }
    return new EnodeUrl(id, host, Integer.parseInt(portText), discport);
  }

  private static String checkNodeId(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("enode URL has no node ID before '@'");
    }
    if (id.startsWith("0x") || id.startsWith("0X")) {
      throw new IllegalArgumentException("enode node ID must not have a 0x prefix");
    }
    if (!id.matches("[0-9a-fA-F]*")) {
      throw new IllegalArgumentException("enode node ID is not hexadecimal");
    }
    if (id.length() != 128) {
      throw new IllegalArgumentException(
          "enode node ID has " + id.length() + " hex digits, expected 128 (a 64-byte public key)");
    }
    // The ID is the node's public key: one that is not on the curve names no node.
    try {
      NodeIdentity.fromPublicKeyHex(id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("enode node ID is not a secp256k1 public key");
    }
    return id.toLowerCase(Locale.ROOT);
  }

  private static String checkHost(String host) {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("enode URL has an empty host");
    }
    if (host.startsWith("[")) {
      String literal = host.length() >= 2 && host.endsWith("]") ? host.substring(1, host.length() - 1) : "";
      if (literal.isEmpty() || !literal.matches("[0-9a-fA-F:.]+") || !literal.contains(":")) {
        throw new IllegalArgumentException("enode URL host '" + host + "' is not an IPv6 address");
      }
      try {
        // A literal with ':' is parsed, never looked up.
        java.net.InetAddress.getByName(literal);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("enode URL host '" + host + "' is not an IPv6 address");
      }
      return host.toLowerCase(Locale.ROOT);
    }
    if (host.contains(":")) {
      throw new IllegalArgumentException("enode URL IPv6 host '" + host + "' must be written in brackets");
    }
    if (IPV4_LIKE.matcher(host).matches()) {
      for (String part : host.split("\\.")) {
        if (part.length() > 3 || Integer.parseInt(part) > 255) {
          throw new IllegalArgumentException("enode URL host '" + host + "' is not a valid IPv4 address");
        }
      }
      return host;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.length() > 253) {
      throw new IllegalArgumentException("enode URL host name is longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (!DNS_LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException("enode URL host '" + host + "' is neither an IP address nor a DNS name");
      }
    }
    return name;
  }

  private static void checkPort(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("enode URL " + what + " " + port + " is outside 1-65535");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  /** The node's validator address, derived from the node ID. */
  public NodeAddress address() {
    return NodeIdentity.fromPublicKeyHex(nodeId).address();
  }

  /** Renders the URL as Besu does: the discovery port only when it differs. */
  @Override
  public String toString() {
    String url = SCHEME + nodeId + "@" + host + ":" + port;
    return discoveryPort == null ? url : url + "?discport=" + discoveryPort;
  }
}
