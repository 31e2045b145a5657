package io.consortium.operator.testing;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;

import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three organizations, each on its own cluster with its own operator, org1 paired with org2 and
 * with org3 (org1 invites, each accepts). Each link goes through a {@link TcpProxy}, so that a
 * scenario can cut it; the pairings are named after the peer ({@code org1/org2}, {@code org2/org1}).
 */
public final class Consortium implements AutoCloseable {

  private final Org org1;
  private final Org org2;
  private final Org org3;
  private final Map<String, TcpProxy> links = new LinkedHashMap<>();

  private Consortium(Org org1, Org org2, Org org3) {
    this.org1 = org1;
    this.org2 = org2;
    this.org3 = org3;
  }

  /** Starts the three organizations and pairs them; returns once both links are Connected on both ends. */
  public static Consortium start(Path workdir) {
    Consortium consortium = new Consortium(Org.cluster("org1", workdir).startOperator(),
        Org.cluster("org2", workdir).startOperator(), Org.cluster("org3", workdir).startOperator());
    try {
      for (Org invitee : List.of(consortium.org2, consortium.org3)) {
        TcpProxy link = new TcpProxy(consortium.org1.operator().meshPort());
        consortium.links.put(invitee.name(), link);
        accept(invitee, "org1", invite(consortium.org1, invitee.name(),
            invitation -> invitation.externalUrl = "wss://127.0.0.1:" + link.port()));
      }
      for (Org invitee : List.of(consortium.org2, consortium.org3)) {
        awaitPhase(consortium.org1, invitee.name(), PairingPhase.Connected);
        awaitPhase(invitee, "org1", PairingPhase.Connected);
      }
      return consortium;
    } catch (IOException e) {
      consortium.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      consortium.close();
      throw e;
    }
  }

  public Org org1() {
    return org1;
  }

  public Org org2() {
    return org2;
  }

  public Org org3() {
    return org3;
  }

  public List<Org> orgs() {
    return List.of(org1, org2, org3);
  }

  /** The network between org1 and {@code invitee} (org2 or org3). */
  public TcpProxy link(String invitee) {
    TcpProxy link = links.get(invitee);
    if (link == null) {
      throw new IllegalArgumentException("org1 has no link to " + invitee + "; it has " + links.keySet());
    }
    return link;
  }

  @Override
  public void close() {
    for (TcpProxy link : links.values()) {
      try {
        link.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    // Every org is closed even when one fails (WireTap's check of the wire fails a close with an AssertionError).
    Throwable failure = null;
    for (Org org : List.of(org3, org2, org1)) {
      try {
        org.close();
      } catch (RuntimeException | AssertionError e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof AssertionError e) {
      throw e;
    }
  }
}
