package io.consortium.operator.mesh;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sees every frame a link sends or receives, as bytes on the wire. None is installed in production;
 * tests install one to prove that no private key ever crosses a link.
 */
public interface FrameTap {

  void frame(boolean outbound, byte[] payload);

  /** The installed taps. Empty unless a test installed one, which costs a list check per frame. */
  List<FrameTap> INSTALLED = new CopyOnWriteArrayList<>();

  static void notify(boolean outbound, byte[] payload) {
    for (FrameTap tap : INSTALLED) {
      tap.frame(outbound, payload);
    }
  }
}
