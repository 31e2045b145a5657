package io.consortium.operator.api;

import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** The kinds of this operator. */
public final class Kinds {

  /** Every kind, in the order the documentation lists them. */
  public static final List<Class<? extends HasMetadata>> ALL =
      List.of(PeerPairing.class, KeyShare.class, NetworkShare.class, ChaincodeShare.class,
          ConfigProposal.class, ConsortiumNode.class);

  /** The four share kinds: the category {@code shares}. */
  public static final List<Class<? extends HasMetadata>> SHARES =
      List.of(KeyShare.class, NetworkShare.class, ChaincodeShare.class, ConfigProposal.class);

  private Kinds() {}
}
