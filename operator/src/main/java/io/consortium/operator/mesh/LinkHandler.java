package io.consortium.operator.mesh;

/** What a link's owner hears from it. Called on the link's I/O thread: do not block. */
public interface LinkHandler {

  void onOpen(LinkConnection link);

  void onText(LinkConnection link, String text);

  void onBinary(LinkConnection link, byte[] data);

  /** The link is gone; {@code reason} says why in words a person can act on. */
  void onClose(LinkConnection link, String reason);
}
