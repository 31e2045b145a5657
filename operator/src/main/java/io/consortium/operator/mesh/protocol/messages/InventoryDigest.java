package io.consortium.operator.mesh.protocol.messages;

/**
 * INVENTORY_DIGEST: sent by both sides at every (re)connect; only when the two differ do they
 * send their full {@link Inventory}. The counts are there for the log line, not for the decision.
 *
 * @param sha256 {@link Inventory#digest()}
 */
public record InventoryDigest(String sha256, int shares, int nodes) {

  public InventoryDigest {
    Required.sha256Hex(sha256, "INVENTORY_DIGEST", "sha256");
  }

  public boolean matches(Inventory inventory) {
    return sha256.equals(inventory.digest());
  }
}
