package io.consortium.operator.fabric.profile;

import io.consortium.operator.pki.Pem;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a Fabric common connection profile says about one channel: its orderers, its peers and the
 * orgs they belong to, each endpoint with the PEM of the CA that issued its TLS certificate. The
 * input of {@link ConnectionProfileRenderer}; checked so that a rendered profile never points at a
 * peer or CA it does not define, and never carries a private key.
 *
 * @param name profile name, e.g. {@code mychannel-org1}
 * @param version profile version, e.g. {@code 1.0.0}
 * @param clientOrganization the org whose client uses the profile (a name from {@code organizations})
 * @param channel the channel name
 * @param certificateAuthorities may be empty: SDKs need them only to enrol identities
 */
public record ConnectionProfile(
    String name,
    String version,
    String clientOrganization,
    String channel,
    List<Organization> organizations,
    List<Orderer> orderers,
    List<Peer> peers,
    List<CertificateAuthority> certificateAuthorities) {

  private static final Pattern GRPC_URL = Pattern.compile("grpcs?://[^\\s/]+:\\d{1,5}");
  private static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s/]+:\\d{1,5}/?");
  private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9.-]*");

  /** An org of the channel and the peers and CAs of it that the profile lists. */
  public record Organization(String name, String mspId, List<String> peers, List<String> certificateAuthorities) {
    public Organization {
      require(name, "organization name");
      require(mspId, "MSP ID of organization " + name);
      peers = List.copyOf(peers == null ? List.of() : peers);
      certificateAuthorities = List.copyOf(certificateAuthorities == null ? List.of() : certificateAuthorities);
    }
  }

  /**
   * An ordering node.
   *
   * @param url {@code grpcs://host:port} (or {@code grpc://} without TLS)
   * @param tlsCaCertPem PEM of the CA of its TLS certificate; required for grpcs
   * @param sslTargetNameOverride the name in its TLS certificate when it differs from the URL's host, or null
   */
  public record Orderer(String name, String url, String tlsCaCertPem, String sslTargetNameOverride) {
    public Orderer {
      require(name, "orderer name");
      tlsCaCertPem = endpointCa("orderer " + name, url, tlsCaCertPem);
    }
  }

  /** A peer; fields as for {@link Orderer}. */
  public record Peer(String name, String url, String tlsCaCertPem, String sslTargetNameOverride) {
    public Peer {
      require(name, "peer name");
      tlsCaCertPem = endpointCa("peer " + name, url, tlsCaCertPem);
    }
  }

  /** A Fabric CA server. */
  public record CertificateAuthority(String name, String url, String caName, String tlsCaCertPem) {
    public CertificateAuthority {
      require(name, "certificate authority name");
      if (url == null || !HTTP_URL.matcher(url).matches()) {
        throw new IllegalArgumentException("certificate authority " + name + ": url '" + url + "' is not http(s)://host:port");
      }
      if (url.startsWith("https:") && (tlsCaCertPem == null || tlsCaCertPem.isBlank())) {
        throw new IllegalArgumentException("certificate authority " + name + " uses https but has no TLS CA certificate");
      }
      tlsCaCertPem = tlsCaCertPem == null || tlsCaCertPem.isBlank()
          ? "" : Pem.canonicalCertificates(tlsCaCertPem, "TLS CA certificate of certificate authority " + name);
    }
  }

  public ConnectionProfile {
    require(name, "profile name");
    require(version, "profile version");
    if (channel == null || !CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("channel name '" + channel + "' is not a Fabric channel name (lowercase letters, digits, '.' and '-')");
    }
    organizations = List.copyOf(organizations == null ? List.of() : organizations);
    orderers = List.copyOf(orderers == null ? List.of() : orderers);
    peers = List.copyOf(peers == null ? List.of() : peers);
    certificateAuthorities = List.copyOf(certificateAuthorities == null ? List.of() : certificateAuthorities);
    if (organizations.isEmpty()) {
      throw new IllegalArgumentException("connection profile for channel " + channel + " lists no organization");
    }
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("connection profile for channel " + channel + " lists no peer");
    }
    Set<String> orgNames = unique(organizations.stream().map(Organization::name).toList(), "organization");
    Set<String> peerNames = unique(peers.stream().map(Peer::name).toList(), "peer");
    Set<String> caNames = unique(certificateAuthorities.stream().map(CertificateAuthority::name).toList(), "certificate authority");
    unique(orderers.stream().map(Orderer::name).toList(), "orderer");
    if (!orgNames.contains(clientOrganization)) {
      throw new IllegalArgumentException("client organization '" + clientOrganization + "' is not one of the organizations " + orgNames);
    }
    Set<String> claimed = new HashSet<>();
    for (Organization org : organizations) {
      for (String peer : org.peers()) {
        if (!peerNames.contains(peer)) {
          throw new IllegalArgumentException("organization " + org.name() + " lists peer '" + peer + "', which the profile does not define");
        }
        if (!claimed.add(peer)) {
          throw new IllegalArgumentException("peer '" + peer + "' is listed by more than one organization");
        }
      }
      for (String ca : org.certificateAuthorities()) {
        if (!caNames.contains(ca)) {
          throw new IllegalArgumentException("organization " + org.name() + " lists certificate authority '" + ca + "', which the profile does not define");
        }
      }
    }
    for (Peer peer : peers) {
      if (!claimed.contains(peer.name())) {
        throw new IllegalArgumentException("peer '" + peer.name() + "' belongs to no organization of the profile");
      }
    }
  }

  private static String endpointCa(String what, String url, String pem) {
    if (url == null || !GRPC_URL.matcher(url).matches()) {
      throw new IllegalArgumentException(what + ": url '" + url + "' is not grpcs://host:port or grpc://host:port");
    }
    boolean tls = url.startsWith("grpcs:");
    if (tls && (pem == null || pem.isBlank())) {
      throw new IllegalArgumentException(what + " uses grpcs but has no TLS CA certificate");
    }
    return pem == null || pem.isBlank() ? "" : Pem.canonicalCertificates(pem, "TLS CA certificate of " + what);
  }

  private static void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
  }

  private static Set<String> unique(List<String> names, String kind) {
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw new IllegalArgumentException(kind + " '" + n + "' is defined twice");
      }
    }
    return seen;
  }
}
