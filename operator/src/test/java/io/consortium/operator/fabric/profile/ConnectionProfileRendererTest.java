package io.consortium.operator.fabric.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.consortium.operator.fabric.TestPki;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionProfileRendererTest {

  private static final TestPki ORG1_TLS = TestPki.selfSignedCa("tlsca.org1.example.com");
  private static final TestPki ORG2_TLS = TestPki.selfSignedCa("tlsca.org2.example.com");
  private static final TestPki ORDERER_TLS = TestPki.selfSignedCa("tlsca.example.com");

  private static ConnectionProfile twoOrgChannel() {
    return new ConnectionProfile(
        "mychannel-org1", "1.0.0", "Org1", "mychannel",
        List.of(
            new ConnectionProfile.Organization("Org1", "Org1MSP", List.of("peer0.org1.example.com"), List.of("ca.org1.example.com")),
            new ConnectionProfile.Organization("Org2", "Org2MSP", List.of("peer0.org2.example.com"), List.of())),
        List.of(new ConnectionProfile.Orderer("orderer.example.com", "grpcs://orderer.example.com:7050", ORDERER_TLS.certificatePem(), null)),
        List.of(
            new ConnectionProfile.Peer("peer0.org1.example.com", "grpcs://localhost:7051", ORG1_TLS.certificatePem(), "peer0.org1.example.com"),
            new ConnectionProfile.Peer("peer0.org2.example.com", "grpcs://peer0.org2.example.com:9051", ORG2_TLS.certificatePem(), null)),
        List.of(new ConnectionProfile.CertificateAuthority("ca.org1.example.com", "https://localhost:7054", "ca-org1", ORG1_TLS.certificatePem())));
  }

  @Test
  void theYamlProfileHasTheSectionsFabricSdksRead() throws Exception {
    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(ConnectionProfileRenderer.yaml(twoOrgChannel()));

    assertThat(yaml.path("name").asText()).isEqualTo("mychannel-org1");
    assertThat(yaml.path("version").asText()).isEqualTo("1.0.0");
    assertThat(yaml.path("client").path("organization").asText()).isEqualTo("Org1");
    JsonNode channel = yaml.path("channels").path("mychannel");
    assertThat(channel.path("orderers").get(0).asText()).isEqualTo("orderer.example.com");
    assertThat(channel.path("peers").path("peer0.org2.example.com").path("endorsingPeer").asBoolean()).isTrue();
    assertThat(yaml.path("organizations").path("Org2").path("mspid").asText()).isEqualTo("Org2MSP");
    assertThat(yaml.path("organizations").path("Org1").path("certificateAuthorities").get(0).asText()).isEqualTo("ca.org1.example.com");
    JsonNode peer = yaml.path("peers").path("peer0.org1.example.com");
    assertThat(peer.path("url").asText()).isEqualTo("grpcs://localhost:7051");
    assertThat(peer.path("tlsCACerts").path("pem").asText()).isEqualTo(ORG1_TLS.certificatePem());
    assertThat(peer.path("grpcOptions").path("ssl-target-name-override").asText()).isEqualTo("peer0.org1.example.com");
    assertThat(yaml.path("peers").path("peer0.org2.example.com").has("grpcOptions")).isFalse();
    assertThat(yaml.path("orderers").path("orderer.example.com").path("tlsCACerts").path("pem").asText()).isEqualTo(ORDERER_TLS.certificatePem());
    JsonNode ca = yaml.path("certificateAuthorities").path("ca.org1.example.com");
    assertThat(ca.path("caName").asText()).isEqualTo("ca-org1");
    assertThat(ca.path("tlsCACerts").path("pem").get(0).asText()).isEqualTo(ORG1_TLS.certificatePem());
  }

  @Test
  void jsonAndYamlCarryTheSameProfile() throws Exception {
    ConnectionProfile profile = twoOrgChannel();

    JsonNode json = new ObjectMapper().readTree(ConnectionProfileRenderer.json(profile));
    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(ConnectionProfileRenderer.yaml(profile));

    assertThat(json).isEqualTo(yaml);
    assertThat(ConnectionProfileRenderer.yaml(profile)).contains("pem: |");
  }

  @Test
  void aProfileThatWouldMisleadAClientIsRefused() {
    ConnectionProfile ok = twoOrgChannel();
    assertThatThrownBy(() -> new ConnectionProfile(ok.name(), ok.version(), "Org3", ok.channel(), ok.organizations(), ok.orderers(), ok.peers(), ok.certificateAuthorities()))
        .hasMessageContaining("client organization 'Org3' is not one of the organizations");
    assertThatThrownBy(() -> new ConnectionProfile(ok.name(), ok.version(), "Org1", ok.channel(),
        List.of(new ConnectionProfile.Organization("Org1", "Org1MSP", List.of("peer1.org1.example.com"), List.of())), ok.orderers(), ok.peers(), List.of()))
        .hasMessageContaining("lists peer 'peer1.org1.example.com', which the profile does not define");
    assertThatThrownBy(() -> new ConnectionProfile(ok.name(), ok.version(), "Org1", ok.channel(),
        List.of(ok.organizations().get(0)), ok.orderers(), ok.peers(), ok.certificateAuthorities()))
        .hasMessageContaining("peer 'peer0.org2.example.com' belongs to no organization");
    assertThatThrownBy(() -> new ConnectionProfile.Peer("p", "grpcs://p:7051", null, null))
        .hasMessageContaining("peer p uses grpcs but has no TLS CA certificate");
    assertThatThrownBy(() -> new ConnectionProfile.Peer("p", "p:7051", null, null))
        .hasMessageContaining("url 'p:7051' is not grpcs://host:port");
    assertThatThrownBy(() -> new ConnectionProfile.Peer("p", "grpcs://p:7051", ORG1_TLS.certificatePem() + ORG1_TLS.privateKeyPem(), null))
        .hasMessageContaining("contains a PEM private key");
    assertThatThrownBy(() -> new ConnectionProfile(ok.name(), ok.version(), "Org1", "MyChannel", ok.organizations(), ok.orderers(), ok.peers(), ok.certificateAuthorities()))
        .hasMessageContaining("channel name 'MyChannel'");
    assertThatThrownBy(() -> new ConnectionProfile(ok.name(), ok.version(), "Org1", ok.channel(), ok.organizations(), ok.orderers(),
        List.of(ok.peers().get(0), ok.peers().get(0)), ok.certificateAuthorities()))
        .hasMessageContaining("peer 'peer0.org1.example.com' is defined twice");
  }

  @Test
  void valuesThatLookLikeNumbersOrBooleansStayStringsInYaml() throws Exception {
    ConnectionProfile profile = new ConnectionProfile("1.5", "1.0", "yes", "dev",
        List.of(new ConnectionProfile.Organization("yes", "true", List.of("null"), List.of())),
        List.of(), List.of(new ConnectionProfile.Peer("null", "grpc://localhost:7051", null, null)), List.of());

    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(ConnectionProfileRenderer.yaml(profile));

    assertThat(yaml.path("name").isTextual()).isTrue();
    assertThat(yaml.path("version").asText()).isEqualTo("1.0");
    assertThat(yaml.path("version").isTextual()).isTrue();
    assertThat(yaml.path("client").path("organization").isTextual()).isTrue();
    assertThat(yaml.path("organizations").path("yes").path("mspid").isTextual()).isTrue();
    assertThat(yaml.path("organizations").path("yes").path("peers").get(0).isTextual()).isTrue();
  }

  @Test
  void aPlainTextEndpointCarriesNoTlsSection() throws Exception {
    ConnectionProfile profile = new ConnectionProfile("dev", "1.0.0", "Org1", "dev",
        List.of(new ConnectionProfile.Organization("Org1", "Org1MSP", List.of("peer0"), List.of())),
        List.of(), List.of(new ConnectionProfile.Peer("peer0", "grpc://localhost:7051", null, null)), List.of());

    JsonNode json = new ObjectMapper().readTree(ConnectionProfileRenderer.json(profile));

    assertThat(json.path("peers").path("peer0").has("tlsCACerts")).isFalse();
    assertThat(json.has("orderers")).isFalse();
    assertThat(json.has("certificateAuthorities")).isFalse();
  }
}
