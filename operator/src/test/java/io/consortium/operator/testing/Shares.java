package io.consortium.operator.testing;

import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Optional;

/** What a person does and sees with shares of any kind, as with kubectl. */
public final class Shares {

  private Shares() {}

  /** Waits until the operator created the incoming share on {@code org}, and returns it. */
  public static <R extends Share<?, ?>> R awaitIncoming(Org org, Class<R> kind, String name) {
    Org.await(kind.getSimpleName() + " " + name + " on " + org.name(), Pairings.WAIT,
        () -> org.client().resources(kind).withName(name).get() != null);
    return org.client().resources(kind).withName(name).get();
  }

  /** {@code kubectl patch <kind> <name> --type merge -p '{"spec":{"decision":"..."}}'}. */
  public static void decide(Org org, Class<? extends Share<?, ?>> kind, String name, String decision) {
    org.client().resources(kind).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"decision\":\"" + decision + "\"}}");
  }

  public static SharePhase phase(Org org, Class<? extends Share<?, ?>> kind, String name) {
    Share<?, ?> share = org.client().resources(kind).withName(name).get();
    return share == null || share.getStatus() == null ? null : share.getStatus().phase;
  }

  public static void awaitPhase(Org org, Class<? extends Share<?, ?>> kind, String name, SharePhase phase) {
    Org.await(kind.getSimpleName() + " " + name + " " + phase + " on " + org.name(), Pairings.WAIT,
        () -> phase == phase(org, kind, name));
  }

  /** The origin's entry for one recipient of an outgoing share. */
  public static Optional<RecipientStatus> recipient(Org org, Class<? extends Share<?, ?>> kind, String name,
      String pairing) {
    Share<?, ?> share = org.client().resources(kind).withName(name).get();
    return share == null || share.getStatus() == null ? Optional.empty()
        : share.getStatus().recipients.stream().filter(r -> pairing.equals(r.pairing)).findFirst();
  }

  public static void awaitRecipient(Org org, Class<? extends Share<?, ?>> kind, String name, String pairing,
      SharePhase phase) {
    Org.await(kind.getSimpleName() + " " + name + " -> " + pairing + " " + phase + " on " + org.name(), Pairings.WAIT,
        () -> recipient(org, kind, name, pairing).map(r -> r.phase == phase).orElse(false));
  }
}
