package io.consortium.operator.pairing;

import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.Inventory;
import io.consortium.operator.mesh.protocol.messages.InventoryEntry;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareResend;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import java.util.List;

/** Where the link hands what it hears about shares. Called off the I/O thread, in order per link. */
public interface ShareInbox {

  /** A peer offers a share (a new one or a new revision); {@code envelope} proves who sent it. */
  void offer(String pairing, String peerInstanceId, SignedEnvelope envelope, ShareOffer offer);

  void acknowledged(String pairing, ShareAck ack);

  void decided(String pairing, ShareDecision decision);

  void revoked(String pairing, ShareRevoke revoke);

  /** The receiver asks for a revision again: its copy of the payload was changed locally. */
  void resendRequested(String pairing, ShareResend resend);

  /**
   * The pairing was revoked or deleted (here, or by the peer): what travelled on it ends. Outgoing
   * shares are Revoked for that recipient, incoming ones are Revoked with what was accepted kept.
   * Idempotent: called again for a pairing that already ended, it changes nothing.
   *
   * @param reason PairingRevoked, PairingDeleted or PeerRevokedPairing
   */
  void pairingEnded(String pairing, String reason, String message);

  /** A session with the pairing's peer came up: what was not acknowledged is sent again. */
  void linkUp(String pairing);

  /** What this side believes lies between it and the pairing's peer, in the link's shared view. */
  List<InventoryEntry> inventory(String pairing, String localInstanceId, String peerInstanceId);

  /** The peer's inventory differed from ours: every difference is resolved by the rules of DESIGN.md. */
  void resync(String pairing, String localInstanceId, String peerInstanceId, Inventory theirs);
}
