package io.consortium.operator.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/** Reading what claims to be public key material: exactly that, or a refusal that says what was there. */
class PemTest {

  private static final KeyPair EC = SelfSignedCertificate.newEcKeyPair("secp256r1");

  @Test
  void a_public_key_block_must_be_one_public_key_and_nothing_else() {
    assertThat(Pem.readPublicKey(Pem.publicKey(EC.getPublic()), "publicKey").getEncoded())
        .isEqualTo(EC.getPublic().getEncoded());
    assertThatThrownBy(() -> Pem.readPublicKey(Pem.privateKey(EC.getPrivate()), "publicKey"))
        .hasMessageContaining("publicKey must be exactly one PUBLIC KEY block");
    assertThatThrownBy(() -> Pem.readPublicKey(Pem.publicKey(EC.getPublic()) + Pem.publicKey(EC.getPublic()),
        "publicKey")).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> Pem.readPublicKey("not pem at all", "publicKey")).hasMessageContaining("found none");
  }

  @Test
  void the_public_half_of_a_private_key_is_derived_and_said_to_be() {
    Pem.PublicMaterial material = Pem.readPublicMaterial(Pem.privateKey(EC.getPrivate()), "key.pem");

    assertThat(material.key().getEncoded()).isEqualTo(EC.getPublic().getEncoded());
    assertThat(material.derivedFromPrivateKey()).isTrue();
    assertThat(material.chain()).isEmpty();
  }

  @Test
  void a_text_that_only_mentions_a_private_key_block_holds_none() {
    assertThat(Pem.containsPrivateKey("paste your -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY----- here"))
        .isFalse();
    assertThat(Pem.containsPrivateKey("x" + Pem.privateKey(EC.getPrivate()))).isTrue();
  }
}
