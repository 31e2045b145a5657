package io.consortium.operator.fabric.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.ByteString;
import io.consortium.operator.fabric.TestPki;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLHandshakeException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.gateway.EvaluateRequest;
import org.hyperledger.fabric.protos.gateway.EvaluateResponse;
import org.hyperledger.fabric.protos.gateway.GatewayGrpc;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user who receives a rendered connection profile configures fabric-gateway's Java client from
 * it alone, and that client reaches a loopback peer whose TLS certificate the profile vouches for.
 */
class GatewayFromConnectionProfileTest {

  private static final String PEER_NAME = "peer0.org1.example.com";
  private static final TestPki ORG1_TLS_CA = TestPki.selfSignedCa("tlsca.org1.example.com");
  private static final TestPki OTHER_TLS_CA = TestPki.selfSignedCa("tlsca.org3.example.com");
  private static final TestPki ORG2_USER = TestPki.selfSignedCa("User1@org2.example.com");

  /** What the loopback peer saw of each evaluate call: channel, chaincode, function. */
  private final List<String> evaluated = new CopyOnWriteArrayList<>();
  private Server peer;

  @BeforeEach
  void startLoopbackPeer() throws Exception {
    TestPki peerTls = ORG1_TLS_CA.issueServerCertificate(PEER_NAME);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("peer", Identities.readPrivateKey(peerTls.privateKeyPem()), new char[0],
        new X509Certificate[] {Identities.readX509Certificate(peerTls.certificatePem())});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, new char[0]);

    // Only the Gateway service's Evaluate, answering with what it read from the signed proposal.
    GatewayGrpc.GatewayImplBase gatewayService = new GatewayGrpc.GatewayImplBase() {
      @Override
      public void evaluate(EvaluateRequest request, StreamObserver<EvaluateResponse> response) {
        try {
          Proposal proposal = Proposal.parseFrom(request.getProposedTransaction().getProposalBytes());
          ChaincodeInvocationSpec invocation = ChaincodeInvocationSpec.parseFrom(
              ChaincodeProposalPayload.parseFrom(proposal.getPayload()).getInput());
          String seen = request.getChannelId() + " " + invocation.getChaincodeSpec().getChaincodeId().getName()
              + " " + invocation.getChaincodeSpec().getInput().getArgs(0).toStringUtf8();
          evaluated.add(seen);
          response.onNext(EvaluateResponse.newBuilder()
              .setResult(Response.newBuilder().setStatus(200).setPayload(ByteString.copyFromUtf8("[]")))
              .build());
          response.onCompleted();
        } catch (Exception e) {
          response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
      }
    };
    peer = NettyServerBuilder
        .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            TlsServerCredentials.newBuilder().keyManager(keyManagers.getKeyManagers()).build())
        .addService(gatewayService)
        .build()
        .start();
  }

  @AfterEach
  void stopLoopbackPeer() throws InterruptedException {
    peer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** What org1 shares: a one-org channel whose peer listens on localhost under its own TLS name. */
  private ConnectionProfile org1Profile(String tlsCaPem, String nameOverride) {
    return new ConnectionProfile("mychannel-org1", "1.0.0", "Org1", "mychannel",
        List.of(new ConnectionProfile.Organization("Org1", "Org1MSP", List.of(PEER_NAME), List.of())),
        List.of(),
        List.of(new ConnectionProfile.Peer(PEER_NAME, "grpcs://localhost:" + peer.getPort(), tlsCaPem, nameOverride)),
        List.of());
  }

  /** As a user does with the profile file: the peer's url, TLS CA and name override, nothing else. */
  private static ManagedChannel channelFromProfile(String profileYaml, String peerName) throws Exception {
    JsonNode peerEntry = new ObjectMapper(new YAMLFactory()).readTree(profileYaml).path("peers").path(peerName);
    URI url = URI.create(peerEntry.path("url").asText());
    byte[] tlsCa = peerEntry.path("tlsCACerts").path("pem").asText().getBytes(StandardCharsets.UTF_8);
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(url.getHost() + ":" + url.getPort(),
        TlsChannelCredentials.newBuilder().trustManager(new ByteArrayInputStream(tlsCa)).build());
    JsonNode override = peerEntry.path("grpcOptions").path("ssl-target-name-override");
    if (override.isTextual()) {
      builder.overrideAuthority(override.asText());
    }
    return builder.build();
  }

  private static Gateway org2Gateway(ManagedChannel channel) throws Exception {
    X509Certificate certificate = Identities.readX509Certificate(ORG2_USER.certificatePem());
    PrivateKey key = Identities.readPrivateKey(ORG2_USER.privateKeyPem());
    return Gateway.newInstance()
        .identity(new X509Identity("Org2MSP", certificate))
        .signer(Signers.newPrivateKeySigner(key))
        .connection(channel)
        .evaluateOptions(options -> options.withDeadlineAfter(10, TimeUnit.SECONDS))
        .connect();
  }

  @Test
  void org2ConfiguresTheFabricGatewayClientFromTheConnectionProfileOrg1Shared() throws Exception {
    String profileYaml = ConnectionProfileRenderer.yaml(org1Profile(ORG1_TLS_CA.certificatePem(), PEER_NAME));

    ManagedChannel channel = channelFromProfile(profileYaml, PEER_NAME);
    try (Gateway gateway = org2Gateway(channel)) {
      Network network = gateway.getNetwork("mychannel");
      Contract contract = network.getContract("basic");

      assertThat(channel.authority()).isEqualTo(PEER_NAME);
      assertThat(network.getName()).isEqualTo("mychannel");
      assertThat(contract.getChaincodeName()).isEqualTo("basic");
      // Connecting is lazy: this call is the first to dial, and it completes only if TLS verified
      // the peer's certificate against the profile's CA under the override name.
      byte[] result = contract.evaluateTransaction("GetAllAssets");

      assertThat(new String(result, StandardCharsets.UTF_8)).isEqualTo("[]");
      assertThat(evaluated).containsExactly("mychannel basic GetAllAssets");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClientRefusesThePeerWhenTheProfileVouchesForAnotherCaOrName() throws Exception {
    Map<String, String> whyRefused = Map.of(
        ConnectionProfileRenderer.yaml(org1Profile(OTHER_TLS_CA.certificatePem(), PEER_NAME)),
        "unable to find valid certification path",
        ConnectionProfileRenderer.yaml(org1Profile(ORG1_TLS_CA.certificatePem(), null)),
        "No subject alternative DNS name matching localhost");

    for (Map.Entry<String, String> profile : whyRefused.entrySet()) {
      ManagedChannel channel = channelFromProfile(profile.getKey(), PEER_NAME);
      try (Gateway gateway = org2Gateway(channel)) {
        assertThatThrownBy(() -> gateway.getNetwork("mychannel").getContract("basic").evaluateTransaction("GetAllAssets"))
            .isInstanceOfSatisfying(GatewayException.class, refused -> {
              assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(refused.getStatus().getCause())
                  .isInstanceOf(SSLHandshakeException.class)
                  .rootCause().hasMessageContaining(profile.getValue());
            });
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertThat(evaluated).isEmpty();
  }
}
