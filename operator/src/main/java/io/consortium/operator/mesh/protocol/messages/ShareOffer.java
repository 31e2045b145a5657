package io.consortium.operator.mesh.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * SHARE_OFFER: one revision of an outgoing share. A payload too big for one frame travels as a
 * chunked transfer announced before this offer, named by {@code transferId}; {@code payload} then
 * holds only what is not in the transfer.
 *
 * @param kind KeyShare, NetworkShare, ChaincodeShare or ConfigProposal
 * @param shareUid metadata.uid of the outgoing share on the origin
 * @param revision the outgoing share's metadata.generation
 * @param expiresAt when the share expires on both sides, or null
 */
public record ShareOffer(String kind, String shareUid, String shareName, long revision, Instant expiresAt,
    JsonNode payload, UUID transferId) {

  public ShareOffer {
    Required.identifier(kind, "SHARE_OFFER", "kind");
    Required.identifier(shareUid, "SHARE_OFFER", "shareUid");
    Required.identifier(shareName, "SHARE_OFFER " + shareUid, "shareName");
    Required.revision(revision, "SHARE_OFFER " + shareUid);
    Required.present(payload, "SHARE_OFFER " + shareUid, "payload");
  }
}
