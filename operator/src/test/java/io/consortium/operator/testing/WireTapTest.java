package io.consortium.operator.testing;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.messages.ErrorMessage;
import io.consortium.operator.mesh.protocol.messages.Hello;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite-wide tap is not decoration: a private key on the wire fails the test that sent it. */
class WireTapTest {

  @TempDir Path workdir;

  @Test
  void a_frame_carrying_a_private_key_fails_the_test_when_the_org_that_holds_it_closes() throws Exception {
    Org org1 = Org.cluster("org1", workdir).startOperator();
    Org org2 = Org.cluster("org2", workdir).startOperator();
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    org2.stopOperator();
    try (RawPeer leaky = new RawPeer(RawPeer.identityOf(org2)).dial(org1)) {
      leaky.send(new Hello("org2", leaky.identity().instanceId(), leaky.identity().certificateThumbprint(),
          leaky.epoch(), List.of(EnvelopeCodec.VERSION)));
      // org2's own instance key, pasted into a message: exactly what must never happen.
      leaky.send(new ErrorMessage("Oops", Pem.privateKey(leaky.identity().keyPair().getPrivate())));
      Thread.sleep(300);
    }
    org1.close();

    assertThatThrownBy(org2::close).hasMessageContaining("a private key held by org2 crossed a link");
  }
}
