package io.consortium.operator.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.pki.Pem;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Org1 renews its certificate and rolls its key; what its peers can check of it, without any network. */
class KeyRolloverTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final CertificateRenewal RENEWAL = new CertificateRenewal(Duration.ofDays(365), Duration.ofDays(30));

  private static InstanceIdentity identity(String name) {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    return new InstanceIdentity(keyPair, SelfSignedCertificates.selfSigned(keyPair, name, List.of("org1.example.com"),
        NOW.minusSeconds(60), Duration.ofDays(365)));
  }

  @Test
  void a_renewed_certificate_keeps_the_key_so_the_instance_id_and_every_pin_stay() {
    InstanceIdentity org1 = identity("org1");

    InstanceIdentity renewed = RENEWAL.renew(org1, "org1", List.of("org1.example.com"), NOW.plus(Duration.ofDays(336)));

    assertThat(renewed.instanceId()).isEqualTo(org1.instanceId());
    assertThat(renewed.certificateThumbprint()).isNotEqualTo(org1.certificateThumbprint());
    assertThat(renewed.certificateNotAfter()).isAfter(org1.certificateNotAfter());
  }

  @Test
  void renewal_is_due_renew_before_the_expiry() {
    InstanceIdentity org1 = identity("org1");
    Instant renewsAt = RENEWAL.renewsAt(org1.certificate());

    assertThat(renewsAt).isEqualTo(org1.certificateNotAfter().minus(Duration.ofDays(30)));
    assertThat(RENEWAL.isDue(org1.certificate(), renewsAt.minusSeconds(1))).isFalse();
    assertThat(RENEWAL.isDue(org1.certificate(), renewsAt)).isTrue();
  }

  @Test
  void a_renewal_window_as_long_as_the_certificate_is_refused_naming_both_flags() {
    assertThatThrownBy(() -> new CertificateRenewal(Duration.ofHours(1), Duration.ofMinutes(59)))
        .hasMessageContaining("--cert-renew-before").hasMessageContaining("--cert-validity");
  }

  @Test
  void org2_accepts_a_rollover_the_pinned_key_announces_and_the_new_key_proves() {
    InstanceIdentity old = identity("org1");
    InstanceIdentity next = RENEWAL.nextKey(old, "org1", List.of(), NOW);
    String proof = KeyRollovers.newKeyProof(next, old.instanceId(), NOW);

    KeyRollovers.Rolled rolled = KeyRollovers.verify(old.instanceId(), old.instanceId(), next.instanceId(),
        Pem.certificate(next.certificate()), NOW, proof, NOW);

    assertThat(rolled.newInstanceId()).isEqualTo(next.instanceId());
    assertThat(rolled.oldInstanceId()).isEqualTo(old.instanceId());
  }

  @Test
  void a_rollover_of_a_key_that_is_not_the_pinned_one_is_refused() {
    InstanceIdentity old = identity("org1");
    InstanceIdentity mallory = identity("mallory");
    InstanceIdentity next = RENEWAL.nextKey(mallory, "org1", List.of(), NOW);

    assertThatThrownBy(() -> KeyRollovers.verify(old.instanceId(), mallory.instanceId(), next.instanceId(),
        Pem.certificate(next.certificate()), NOW, KeyRollovers.newKeyProof(next, mallory.instanceId(), NOW), NOW))
        .hasMessageContaining("the pinned key is " + old.instanceId());
  }

  @Test
  void a_rollover_whose_proof_is_not_by_the_announced_new_key_is_refused() {
    InstanceIdentity old = identity("org1");
    InstanceIdentity next = RENEWAL.nextKey(old, "org1", List.of(), NOW);
    InstanceIdentity eve = identity("eve");

    assertThatThrownBy(() -> KeyRollovers.verify(old.instanceId(), old.instanceId(), next.instanceId(),
        Pem.certificate(next.certificate()), NOW, KeyRollovers.newKeyProof(eve, old.instanceId(), NOW), NOW))
        .hasMessageContaining("proof does not verify");
  }

  @Test
  void a_rollover_whose_certificate_holds_another_key_than_announced_is_refused() {
    InstanceIdentity old = identity("org1");
    InstanceIdentity next = RENEWAL.nextKey(old, "org1", List.of(), NOW);
    InstanceIdentity other = identity("other");

    assertThatThrownBy(() -> KeyRollovers.verify(old.instanceId(), old.instanceId(), next.instanceId(),
        Pem.certificate(other.certificate()), NOW, KeyRollovers.newKeyProof(next, old.instanceId(), NOW), NOW))
        .hasMessageContaining("its certificate holds key " + other.instanceId());
  }

  @Test
  void a_proof_over_another_time_than_announced_is_refused() {
    InstanceIdentity old = identity("org1");
    InstanceIdentity next = RENEWAL.nextKey(old, "org1", List.of(), NOW);

    assertThatThrownBy(() -> KeyRollovers.verify(old.instanceId(), old.instanceId(), next.instanceId(),
        Pem.certificate(next.certificate()), NOW.plusSeconds(1), KeyRollovers.newKeyProof(next, old.instanceId(), NOW),
        NOW)).hasMessageContaining("does not sign the announced");
  }

  @Test
  void the_new_certificate_tells_a_peer_that_still_pins_the_old_key_that_it_was_rolled_and_renewal_keeps_that() {
    InstanceIdentity old = identity("org1");
    InstanceIdentity next = RENEWAL.nextKey(old, "org1", List.of(), NOW);

    assertThat(KeyRollovers.rolledFrom(next.certificate(), old.instanceId()))
        .hasValueSatisfying(r -> {
          assertThat(r.newInstanceId()).isEqualTo(next.instanceId());
          assertThat(r.rolledAt()).isEqualTo(NOW);
        });
    InstanceIdentity renewed = RENEWAL.renew(next, "org1", List.of(), NOW.plus(Duration.ofDays(340)));
    assertThat(KeyRollovers.rolledFrom(renewed.certificate(), old.instanceId())).isPresent();
  }

  @Test
  void a_certificate_claiming_to_be_rolled_from_a_key_it_cannot_prove_is_no_rollover() {
    InstanceIdentity pinned = identity("org1");
    InstanceIdentity mallory = identity("mallory");
    // Mallory's own statement, carried in a certificate that says it comes from mallory, not the pinned key.
    InstanceIdentity next = RENEWAL.nextKey(mallory, "org1", List.of(), NOW);

    assertThat(KeyRollovers.rolledFrom(next.certificate(), pinned.instanceId())).isEmpty();
    assertThat(KeyRollovers.rolledFrom(pinned.certificate(), pinned.instanceId())).as("no statement at all").isEmpty();
  }
}
