package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * INVENTORY: what the sender believes lies between the two instances (shares with revision and
 * phase, the pairing's flow, advertised nodes). Sent at a (re)connect only when the digests differ.
 */
public record Inventory(Flow flow, List<InventoryEntry> shares, List<AdvertisedNode> nodes, Instant asOf) {

  private static final Comparator<InventoryEntry> SHARE_ORDER = Comparator.comparing(InventoryEntry::origin)
      .thenComparing(InventoryEntry::shareUid)
      .thenComparingLong(InventoryEntry::revision)
      .thenComparing(InventoryEntry::kind)
      .thenComparing(InventoryEntry::phase);
  private static final Comparator<AdvertisedNode> NODE_ORDER = Comparator.comparing(AdvertisedNode::origin)
      .thenComparing(AdvertisedNode::uid)
      .thenComparing(AdvertisedNode::sha256);

  /** Keeps entries sorted, so that two sides listing the same things in another order are equal. */
  public Inventory {
    Required.present(flow, "INVENTORY", "flow");
    shares = Required.list(shares, "INVENTORY", "shares").stream().sorted(SHARE_ORDER).toList();
    nodes = Required.list(nodes, "INVENTORY", "nodes").stream().sorted(NODE_ORDER).toList();
  }

  /**
   * What the sender believed at {@code asOf} (its clock): the receiver applies "gone on the origin"
   * only to what the origin sent before then, never to an offer that crossed this inventory.
   */
  public Inventory(Flow flow, List<InventoryEntry> shares, List<AdvertisedNode> nodes) {
    this(flow, shares, nodes, null);
  }

  /** SHA-256 (hex) of this inventory's canonical JSON: entries sorted, fields in declared order, no time. */
  public String digest() {
    return ProtocolJson.sha256(new Inventory(flow, shares, nodes, null));
  }

  public InventoryDigest toDigest() {
    return new InventoryDigest(digest(), shares.size(), nodes.size());
  }
}
