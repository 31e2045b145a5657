package io.consortium.operator.runtime;

import io.consortium.operator.mesh.LinkConnection;
import io.consortium.operator.mesh.LinkHandler;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes links from keys no pairing pins. Until the pairing session protocol (HELLO, REDEEM) is
 * wired to the listener, that is every link: this build listens, but pairs with no one yet.
 */
final class UnknownPeerGate implements LinkHandler {

  private static final Logger LOG = LoggerFactory.getLogger(UnknownPeerGate.class);

  private final Predicate<String> pinned;

  UnknownPeerGate(Predicate<String> pinned) {
    this.pinned = pinned;
  }

  @Override
  public void onOpen(LinkConnection link) {
    if (!pinned.test(link.peerInstanceId())) {
      LOG.info("Refused a link from {}: key {} is not pinned by any pairing", link.remoteAddress(), link.peerInstanceId());
      link.close("PinMismatch: key " + link.peerInstanceId() + " is not pinned by any pairing");
    } else {
      link.close("the pairing session protocol is not available in this build");
    }
  }

  @Override
  public void onText(LinkConnection link, String text) {}

  @Override
  public void onBinary(LinkConnection link, byte[] data) {}

  @Override
  public void onClose(LinkConnection link, String reason) {}
}
