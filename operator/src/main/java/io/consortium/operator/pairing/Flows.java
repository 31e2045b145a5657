package io.consortium.operator.pairing;

import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.api.v1alpha1.spec.PairingRole;

/** Which way shares and node metadata may travel on a pairing, from one side's point of view. */
public final class Flows {

  private Flows() {}

  /** Whether the side with {@code role} may send on a pairing with {@code flow}. */
  public static boolean maySend(PairingRole role, Flow flow) {
    Flow effective = flow == null ? Flow.Bidirectional : flow;
    return switch (effective) {
      case Bidirectional -> true;
      case InviterToInvitee -> role == PairingRole.Inviter;
      case InviteeToInviter -> role == PairingRole.Invitee;
    };
  }

  /** Whether the side with {@code role} may receive on a pairing with {@code flow}. */
  public static boolean mayReceive(PairingRole role, Flow flow) {
    return maySend(role == PairingRole.Inviter ? PairingRole.Invitee : PairingRole.Inviter, flow);
  }
}
