package io.consortium.operator.identity;

import io.consortium.operator.api.v1alpha1.spec.Flow;
import java.time.Instant;

/**
 * What an invitation says, once its signature checked out.
 *
 * @param issuer the inviter's instance ID, which is also the key pin the invitee records
 * @param issuerName the name the inviter gives itself
 * @param url the inviter's external wss:// URL
 * @param certificateThumbprint {@code x5t#S256} of the inviter's current certificate
 * @param id {@code jti}, unique per invitation
 */
public record Invitation(
    String issuer,
    String issuerName,
    String url,
    String certificateThumbprint,
    String id,
    Instant issuedAt,
    Instant expiresAt,
    Flow flow,
    int maxRedemptions) {}
