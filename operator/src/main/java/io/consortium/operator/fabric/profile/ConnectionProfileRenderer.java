package io.consortium.operator.fabric.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link ConnectionProfile} as the Fabric common connection profile that Fabric's SDKs
 * and the peer CLI read, in the layout of Fabric's test network: {@code name, version, client,
 * channels, organizations, orderers, peers, certificateAuthorities}, TLS CA certificates inline
 * under {@code tlsCACerts.pem} (a list for CAs, as Fabric CA clients read it), and
 * {@code grpcOptions.ssl-target-name-override} (with {@code hostnameOverride}, its newer name)
 * when an endpoint's certificate names another host than its URL. Map keys keep the input order.
 */
public final class ConnectionProfileRenderer {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      // A version "1.0" or an org named "yes" must stay a string for every YAML reader.
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .build());

  private ConnectionProfileRenderer() {}

  public static String yaml(ConnectionProfile profile) {
    return write(YAML, profile);
  }

  public static String json(ConnectionProfile profile) {
    return write(JSON, profile) + "\n";
  }

  /** The profile as nested maps and lists, the shape both renderings share. */
  public static Map<String, Object> tree(ConnectionProfile profile) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", profile.name());
    root.put("version", profile.version());
    root.put("client", Map.of("organization", profile.clientOrganization()));

    Map<String, Object> channelPeers = new LinkedHashMap<>();
    for (ConnectionProfile.Peer peer : profile.peers()) {
      Map<String, Object> roles = new LinkedHashMap<>();
      roles.put("endorsingPeer", true);
      roles.put("chaincodeQuery", true);
      roles.put("ledgerQuery", true);
      roles.put("eventSource", true);
      channelPeers.put(peer.name(), roles);
    }
    Map<String, Object> channel = new LinkedHashMap<>();
    if (!profile.orderers().isEmpty()) {
      channel.put("orderers", profile.orderers().stream().map(ConnectionProfile.Orderer::name).toList());
    }
    channel.put("peers", channelPeers);
    root.put("channels", Map.of(profile.channel(), channel));

    Map<String, Object> organizations = new LinkedHashMap<>();
    for (ConnectionProfile.Organization org : profile.organizations()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("mspid", org.mspId());
      o.put("peers", org.peers());
      if (!org.certificateAuthorities().isEmpty()) {
        o.put("certificateAuthorities", org.certificateAuthorities());
      }
      organizations.put(org.name(), o);
    }
    root.put("organizations", organizations);

    if (!profile.orderers().isEmpty()) {
      Map<String, Object> orderers = new LinkedHashMap<>();
      for (ConnectionProfile.Orderer o : profile.orderers()) {
        orderers.put(o.name(), endpoint(o.url(), o.tlsCaCertPem(), o.sslTargetNameOverride()));
      }
      root.put("orderers", orderers);
    }
    Map<String, Object> peers = new LinkedHashMap<>();
    for (ConnectionProfile.Peer p : profile.peers()) {
      peers.put(p.name(), endpoint(p.url(), p.tlsCaCertPem(), p.sslTargetNameOverride()));
    }
    root.put("peers", peers);

    if (!profile.certificateAuthorities().isEmpty()) {
      Map<String, Object> cas = new LinkedHashMap<>();
      for (ConnectionProfile.CertificateAuthority ca : profile.certificateAuthorities()) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("url", ca.url());
        if (ca.caName() != null && !ca.caName().isBlank()) {
          c.put("caName", ca.caName());
        }
        if (!ca.tlsCaCertPem().isEmpty()) {
          c.put("tlsCACerts", Map.of("pem", List.of(ca.tlsCaCertPem())));
        }
        c.put("httpOptions", Map.of("verify", false));
        cas.put(ca.name(), c);
      }
      root.put("certificateAuthorities", cas);
    }
    return root;
  }

  private static Map<String, Object> endpoint(String url, String tlsCaCertPem, String nameOverride) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("url", url);
    if (!tlsCaCertPem.isEmpty()) {
      e.put("tlsCACerts", Map.of("pem", tlsCaCertPem));
    }
    if (nameOverride != null && !nameOverride.isBlank()) {
      Map<String, Object> grpc = new LinkedHashMap<>();
      grpc.put("ssl-target-name-override", nameOverride);
      grpc.put("hostnameOverride", nameOverride);
      e.put("grpcOptions", grpc);
    }
    return e;
  }

  private static String write(ObjectMapper mapper, ConnectionProfile profile) {
    try {
      return mapper.writeValueAsString(tree(profile));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of maps, lists and strings always serializes", e);
    }
  }
}
