package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.api.v1alpha1.spec.SharePhase;

/**
 * One share between two paired instances, as both can state it: the origin's instance ID, the
 * share and revision, and the phase in the link's shared view. Each side maps its own view to
 * that one before it digests (the origin's Delivered is the receiver's Pending: both say Pending),
 * otherwise two sides that agree would never compute the same digest.
 */
public record InventoryEntry(String origin, String kind, String shareUid, long revision, SharePhase phase) {

  public InventoryEntry {
    Required.identifier(origin, "an inventory entry", "origin");
    Required.identifier(kind, "inventory entry " + origin, "kind");
    Required.identifier(shareUid, "an inventory entry", "shareUid");
    Required.revision(revision, "inventory entry " + shareUid);
    Required.present(phase, "inventory entry " + shareUid, "phase");
  }
}
