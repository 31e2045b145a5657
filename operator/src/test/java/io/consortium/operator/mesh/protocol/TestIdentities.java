package io.consortium.operator.mesh.protocol;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.SelfSignedCertificates;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Instance identities and hand-made frames for protocol tests. */
final class TestIdentities {

  private TestIdentities() {}

  static InstanceIdentity newIdentity(String name) {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    return new InstanceIdentity(keyPair, SelfSignedCertificates.selfSigned(keyPair, name, List.of("localhost"),
        Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(365)));
  }

  /** A frame signed by {@code signer} over any JSON text, with any typ: what a broken or hostile peer sends. */
  static String rawFrame(InstanceIdentity signer, String typ, String json) throws Exception {
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256);
    if (typ != null) {
      header.type(new JOSEObjectType(typ));
    }
    JWSObject jws = new JWSObject(header.build(), new Payload(json));
    jws.sign(new ECDSASigner((ECPrivateKey) signer.keyPair().getPrivate()));
    return jws.serialize();
  }
}
