package io.consortium.operator.pairing;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingSpec;
import io.consortium.operator.api.v1alpha1.PeerPairingStatus;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import org.junit.jupiter.api.Test;

/** Which pairings still link two instances, so that a second pairing between them is a duplicate. */
class PairingDirectoryTest {

  @Test
  void a_linked_suspended_or_waiting_pairing_stands() {
    for (PairingPhase phase : new PairingPhase[] {PairingPhase.Connected, PairingPhase.Disconnected,
        PairingPhase.Connecting, PairingPhase.Suspended, PairingPhase.Invited, null}) {
      assertThat(PairingDirectory.stands(pairing(PairingState.Active, phase, false))).as(String.valueOf(phase)).isTrue();
    }
    assertThat(PairingDirectory.stands(pairing(PairingState.Suspended, PairingPhase.Suspended, false))).isTrue();
  }

  @Test
  void a_revoked_peer_revoked_failed_or_deleting_pairing_no_longer_stands() {
    assertThat(PairingDirectory.stands(pairing(PairingState.Revoked, PairingPhase.Connected, false))).isFalse();
    assertThat(PairingDirectory.stands(pairing(PairingState.Active, PairingPhase.PeerRevoked, false))).isFalse();
    assertThat(PairingDirectory.stands(pairing(PairingState.Active, PairingPhase.Failed, false))).isFalse();
    assertThat(PairingDirectory.stands(pairing(PairingState.Active, PairingPhase.Connected, true))).isFalse();
  }

  private static PeerPairing pairing(PairingState state, PairingPhase phase, boolean deleting) {
    PeerPairing pairing = new PeerPairing();
    pairing.getMetadata().setName("org2");
    pairing.setSpec(new PeerPairingSpec());
    pairing.getSpec().state = state;
    pairing.setStatus(new PeerPairingStatus());
    pairing.getStatus().phase = phase;
    if (deleting) {
      pairing.getMetadata().setDeletionTimestamp("2026-11-23T15:00:00Z");
    }
    return pairing;
  }
}
