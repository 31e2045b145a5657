package io.consortium.operator.testing;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingSpec;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.InvitationAcceptance;
import io.consortium.operator.api.v1alpha1.spec.InvitationRequest;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** What people do with pairings in the scenarios: invite, hand an invitation over, accept, look. */
public final class Pairings {

  public static final Duration WAIT = Duration.ofSeconds(120);

  private Pairings() {}

  /** {@code inviter} creates an inviting PeerPairing and waits for its invitation; returns the JWS. */
  public static String invite(Org inviter, String name, Consumer<InvitationRequest> options) {
    PeerPairing pairing = new PeerPairing();
    pairing.getMetadata().setName(name);
    pairing.setSpec(new PeerPairingSpec());
    pairing.getSpec().invite = new InvitationRequest();
    options.accept(pairing.getSpec().invite);
    inviter.client().resource(pairing).create();
    Org.await(inviter.name() + "'s invitation " + name, WAIT, () -> phase(inviter, name) == PairingPhase.Invited);
    return invitation(inviter, pairing(inviter, name).getStatus().invitation.secretName);
  }

  public static String invite(Org inviter, String name) {
    return invite(inviter, name, options -> {});
  }

  /** The invitation JWS in an inviter's Secret. */
  public static String invitation(Org inviter, String secretName) {
    Secret secret = inviter.client().secrets().withName(secretName).get();
    return new String(Base64.getDecoder().decode(secret.getData().get("invitation")), StandardCharsets.UTF_8);
  }

  /** What a person does on the invitee's cluster: the invitation in a Secret, and an accepting pairing. */
  public static void accept(Org invitee, String name, String jws) {
    String secretName = "invitation-" + name;
    Secret secret = new SecretBuilder().withNewMetadata().withName(secretName).endMetadata()
        .withData(Map.of("invitation", Base64.getEncoder().encodeToString(jws.getBytes(StandardCharsets.UTF_8))))
        .build();
    invitee.client().secrets().resource(secret).create();
    PeerPairing pairing = new PeerPairing();
    pairing.getMetadata().setName(name);
    pairing.setSpec(new PeerPairingSpec());
    pairing.getSpec().accept = new InvitationAcceptance();
    pairing.getSpec().accept.invitationSecretRef = new SecretKeyRef(secretName, null);
    invitee.client().resource(pairing).create();
  }

  /** As {@code kubectl patch --type merge}: no read-modify-write race with the operator's status writes. */
  public static void setState(Org org, String name, PairingState state) {
    org.client().resources(PeerPairing.class).withName(name).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"state\":\"" + state + "\"}}");
  }

  public static PeerPairing pairing(Org org, String name) {
    return org.client().resources(PeerPairing.class).withName(name).get();
  }

  public static PairingPhase phase(Org org, String name) {
    PeerPairing pairing = pairing(org, name);
    return pairing == null || pairing.getStatus() == null ? null : pairing.getStatus().phase;
  }

  public static void awaitPhase(Org org, String name, PairingPhase phase) {
    try {
      Org.await(org.name() + "/" + name + " to be " + phase, WAIT, () -> phase(org, name) == phase);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (it is " + phase(org, name) + ", " + describe(org, name) + ")", e);
    }
  }

  public static Optional<Condition> condition(Org org, String name, String type) {
    PeerPairing pairing = pairing(org, name);
    return pairing == null || pairing.getStatus() == null ? Optional.empty()
        : Conditions.find(pairing.getStatus().conditions, type);
  }

  private static String describe(Org org, String name) {
    PeerPairing pairing = pairing(org, name);
    return pairing == null || pairing.getStatus() == null ? "no status" : String.valueOf(pairing.getStatus().conditions);
  }
}
