package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeSpec;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.FrameTap;
import io.consortium.operator.mesh.protocol.PrivateKeyScanner;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tap on every frame of a consortium's links: pairing, node metadata and key shares carry no private key. */
class NoPrivateKeyOnTheWireTest {

  @TempDir Path workdir;
  private final List<byte[]> frames = new CopyOnWriteArrayList<>();
  private final FrameTap tap = (outbound, payload) -> frames.add(payload);

  @AfterEach
  void removeTap() {
    FrameTap.INSTALLED.remove(tap);
  }

  @Test
  void every_frame_between_three_orgs_is_free_of_every_private_key_they_hold() throws Exception {
    FrameTap.INSTALLED.add(tap);
    try (Org org1 = Org.cluster("org1", workdir).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator();
        Org org3 = Org.cluster("org3", workdir).startOperator()) {
      accept(org2, "org1", invite(org1, "org2"));
      accept(org3, "org1", invite(org1, "org3"));
      awaitPhase(org1, "org2", PairingPhase.Connected);
      awaitPhase(org1, "org3", PairingPhase.Connected);

      KeyPair ec = SelfSignedCertificates.newEcKeyPair("secp256r1");
      KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
      String cert = Pem.certificate(SelfSignedCertificates.selfSigned(ec, "Admin@org1", List.of(), Instant.now(),
          Duration.ofDays(1)));
      org1.client().secrets().resource(secret("ec-pair", Map.of("tls.crt", cert, "tls.key", Pem.privateKey(ec.getPrivate()))))
          .create();
      org1.client().secrets().resource(secret("rsa-key", Map.of("key.pem", Pem.privateKey(rsa.getPrivate())))).create();
      share(org1, "from-tls-pair", "ec-pair", null);
      share(org1, "from-private-key", "rsa-key", null);
      share(org1, "generated", null, KeyGeneration.Curve.P256);
      ConsortiumNode node = new ConsortiumNode();
      node.getMetadata().setName("peer0");
      node.setSpec(new ConsortiumNodeSpec());
      node.getSpec().type = NodeType.FabricPeer;
      node.getSpec().mspId = "Org1MSP";
      node.getSpec().advertise = true;
      node.getSpec().tlsCACert = cert;
      org1.client().resource(node).create();

      for (String name : List.of("from-tls-pair", "from-private-key", "generated")) {
        for (Org recipient : List.of(org2, org3)) {
          Org.await(name + " to reach " + recipient.name(), Pairings.WAIT,
              () -> recipient.client().resources(KeyShare.class).withName("org1-" + name).get() != null);
        }
        Org.await(name + " acknowledged", Pairings.WAIT, () -> {
          KeyShare share = org1.client().resources(KeyShare.class).withName(name).get();
          return share.getStatus() != null && share.getStatus().recipients.stream()
              .allMatch(r -> r.phase == SharePhase.Delivered);
        });
      }
      Org.await("org1's node on org2", Pairings.WAIT,
          () -> org2.client().resources(ConsortiumNode.class).withName("org1-peer0").get() != null);

      List<PrivateKey> secrets = new ArrayList<>(List.of(ec.getPrivate(), rsa.getPrivate()));
      secrets.add(privateKeyIn(org1, "generated-key", "tls.key"));
      for (Org org : List.of(org1, org2, org3)) {
        secrets.add(RawPeer.identityOf(org).keyPair().getPrivate());
      }
      PrivateKeyScanner scanner = PrivateKeyScanner.of(secrets);

      assertThat(frames).as("frames were tapped").hasSizeGreaterThan(20);
      List<String> leaks = new ArrayList<>();
      for (byte[] frame : frames) {
        scanner.scan(frame).forEach(finding -> leaks.add(finding.toString()));
      }
      assertThat(leaks).as("private key material on the wire").isEmpty();
      assertThat(scanner.containsAny(Pem.privateKey(ec.getPrivate()).getBytes(StandardCharsets.UTF_8)))
          .as("the scanner does find a key where there is one").isTrue();
    }
  }

  private static void share(Org org, String name, String secret, KeyGeneration.Curve curve) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of("org2", "org3");
    if (secret != null) {
      share.getSpec().source = new SecretKeyRef(secret, null);
    } else {
      share.getSpec().generate = new KeyGeneration();
      share.getSpec().generate.curve = curve;
    }
    org.client().resource(share).create();
  }

  private static Secret secret(String name, Map<String, String> data) {
    Map<String, String> encoded = new java.util.HashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(encoded).build();
  }

  private static PrivateKey privateKeyIn(Org org, String secret, String key) {
    String pem = new String(Base64.getDecoder().decode(org.client().secrets().withName(secret).get().getData().get(key)),
        StandardCharsets.UTF_8);
    return Pem.readPrivateKey(pem);
  }
}
