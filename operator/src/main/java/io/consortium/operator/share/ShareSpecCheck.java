package io.consortium.operator.share;

import io.consortium.operator.api.Rfc3339;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.ShareSpec;
import io.consortium.operator.api.v1alpha1.ShareStatus;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.consortium.operator.status.InvalidSpec;
import io.consortium.operator.validation.SpecValidation;
import io.consortium.operator.validation.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a person or GitOps wrote on a share (an outgoing share, or the decision on an incoming one),
 * checked before anything is done with it: the CRD's schema and rules, and what only the operator can
 * judge (an expiresAt already past on a share never offered: it could never be delivered, so it is
 * refused rather than sent as already expired).
 */
final class ShareSpecCheck<R extends Share<S, T>, S extends ShareSpec, T extends ShareStatus> {

  private final ShareContext context;

  ShareSpecCheck(ShareContext context) {
    this.context = context;
  }

  /** What is wrong with the share, each as {@code field.path: what is allowed}; empty when nothing is. */
  List<String> violations(R share) {
    List<Violation> violations = new ArrayList<>(SpecValidation.check(share));
    S spec = share.getSpec();
    boolean neverOffered = share.getStatus() == null || share.getStatus().revision == null;
    if (violations.isEmpty() && spec.isOutgoing() && spec.expiresAt != null && neverOffered) {
      Instant expiresAt = Rfc3339.parse(spec.expiresAt);
      if (!context.clock().instant().isBefore(expiresAt)) {
        violations.add(new Violation("spec.expiresAt", "Invalid value: \"" + spec.expiresAt + "\": already passed;"
            + " a new share must expire in the future (RFC 3339, for example " + Rfc3339.format(
                context.clock().instant().plusSeconds(7 * 24 * 3600)) + ")"));
      }
    }
    return violations.isEmpty() ? List.of() : List.of(SpecValidation.message(violations));
  }
}
