package io.consortium.operator.share;

import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareResend;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.pairing.ShareInbox;
import io.consortium.operator.mesh.protocol.messages.Inventory;
import io.consortium.operator.mesh.protocol.messages.InventoryEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands what the link hears about shares to the engine of the share's kind. */
public final class ShareRouter implements ShareInbox {

  private static final Logger LOG = LoggerFactory.getLogger(ShareRouter.class);

  private final Map<String, ShareEngine<?, ?, ?>> engines = new LinkedHashMap<>();

  public ShareRouter(Iterable<ShareEngine<?, ?, ?>> engines) {
    for (ShareEngine<?, ?, ?> engine : engines) {
      this.engines.put(engine.kind().kind(), engine);
    }
  }

  private ShareInbox engine(String kind, String what) {
    ShareEngine<?, ?, ?> engine = engines.get(kind);
    if (engine == null) {
      LOG.warn("A peer sent {} for a share of kind {}, which this version does not know; ignored", what,
          io.consortium.operator.mesh.protocol.PeerText.safe(kind, 60));
    }
    return engine;
  }

  @Override
  public void offer(String pairing, String peerInstanceId, SignedEnvelope envelope, ShareOffer offer) {
    ShareInbox engine = engine(offer.kind(), "an offer");
    if (engine != null) {
      engine.offer(pairing, peerInstanceId, envelope, offer);
    }
  }

  @Override
  public void acknowledged(String pairing, ShareAck ack) {
    ShareInbox engine = engine(ack.kind(), "an acknowledgement");
    if (engine != null) {
      engine.acknowledged(pairing, ack);
    }
  }

  @Override
  public void decided(String pairing, ShareDecision decision) {
    ShareInbox engine = engine(decision.kind(), "a decision");
    if (engine != null) {
      engine.decided(pairing, decision);
    }
  }

  @Override
  public void revoked(String pairing, ShareRevoke revoke) {
    ShareInbox engine = engine(revoke.kind(), "a revocation");
    if (engine != null) {
      engine.revoked(pairing, revoke);
    }
  }

  @Override
  public void resendRequested(String pairing, ShareResend resend) {
    ShareInbox engine = engine(resend.kind(), "a request to send a share again");
    if (engine != null) {
      engine.resendRequested(pairing, resend);
    }
  }

  @Override
  public void pairingEnded(String pairing, String reason, String message) {
    engines.values().forEach(engine -> engine.pairingEnded(pairing, reason, message));
  }

  @Override
  public void linkUp(String pairing) {
    engines.values().forEach(engine -> engine.linkUp(pairing));
  }

  @Override
  public List<InventoryEntry> inventory(String pairing, String localInstanceId, String peerInstanceId) {
    List<InventoryEntry> all = new ArrayList<>();
    engines.values().forEach(engine -> all.addAll(engine.inventory(pairing, localInstanceId, peerInstanceId)));
    return all;
  }

  @Override
  public void resync(String pairing, String localInstanceId, String peerInstanceId, Inventory theirs) {
    // An entry of a kind this version does not know stays unresolved: the peer runs a newer version.
    engines.values().forEach(engine -> engine.resync(pairing, localInstanceId, peerInstanceId, theirs));
  }
}
