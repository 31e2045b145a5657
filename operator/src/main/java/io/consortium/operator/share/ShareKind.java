package io.consortium.operator.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.ShareSpec;
import io.consortium.operator.api.v1alpha1.ShareStatus;
import io.consortium.operator.mesh.protocol.messages.DecisionAttachment;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import java.util.Optional;

/**
 * What one share kind adds to the common {@link ShareEngine}: what its payload is on the wire, how it
 * lands in an incoming resource, what its status shows, and what happens on this cluster once a
 * share is accepted. Everything else (delivery, dedupe, decisions, revocation, expiry, audit) is the
 * engine's and the same for every kind.
 *
 * <p>{@link #payloadOf} gives what the incoming spec keeps of a payload (bulky bytes by their digest),
 * so that the receiver can tell whether a new revision changed what it decided on.
 */
public interface ShareKind<R extends Share<S, T>, S extends ShareSpec, T extends ShareStatus> {

  Class<R> type();

  /** The Kubernetes kind, also the name on the wire and in accept policies. */
  String kind();

  R newResource();

  S newSpec();

  T newStatus();

  /**
   * Outgoing: what is sent, read from the spec and what it points at (Secrets, ConfigMaps). May prepare
   * local state (a generated key pair) and note it in {@code status}, the copy this reconcile writes once.
   * Throws {@link InvalidShareSource} with a message a person can act on when the source cannot be used.
   */
  JsonNode payload(R outgoing, T status) throws InvalidShareSource;

  /** Incoming: writes every payload field of the spec (fields the payload lacks are cleared). */
  void receive(S spec, JsonNode payload) throws InvalidShareSource;

  /** Incoming: the payload as the spec keeps it (bytes by their SHA-256), for comparing revisions. */
  JsonNode payloadOf(S incoming);

  /** Both sides: the kind's own status fields (fingerprint, network, package ID...) from the payload. */
  void describe(T status, JsonNode payload);

  /** Incoming: the decision a pairing's {@code acceptPolicy: Auto} writes. */
  void acceptAutomatically(S spec);

  /** Incoming: a new revision changed the payload, so the decision taken on the old one no longer holds. */
  void withdrawDecision(S spec);

  /**
   * Incoming: the resource was created or updated with a new revision; the kind may keep bulky parts of
   * the payload (package or block bytes) beside it, in objects the resource owns.
   */
  default void stored(R incoming, JsonNode payload) {}

  /**
   * Incoming, once accepted: what the kind does on this cluster (for example a ConfigMap), noted in
   * {@code status}, the copy this reconcile writes once; idempotent.
   */
  default void accepted(R incoming, T status) {}

  /**
   * Incoming: what travels back with the decision, for example a signature. Called once per revision
   * when it is decided; throw {@link InvalidShareSource} to hold the decision with a condition.
   */
  default Optional<DecisionAttachment> attachment(R incoming, boolean accepted) throws InvalidShareSource {
    return Optional.empty();
  }

  /** Outgoing: a recipient's decision arrived (and is recorded in {@code recipient}); the kind may count it. */
  default void decisionArrived(R outgoing, T status, RecipientStatus recipient) {}

  /**
   * Outgoing, inside the status update of every reconcile once each recipient was looked at (a new
   * revision has reset their decisions by then): the kind may total what the recipients decided.
   */
  default void recipientsReconciled(R outgoing, T status) {}

  /** A share source (a Secret, a ConfigMap, a payload) that cannot be used, with why. */
  final class InvalidShareSource extends Exception {
    private final String reason;

    public InvalidShareSource(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public InvalidShareSource(String message) {
      this("SourceInvalid", message);
    }

    /** A CamelCase condition reason. */
    public String reason() {
      return reason;
    }
  }
}
