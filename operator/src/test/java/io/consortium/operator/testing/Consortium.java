package io.consortium.operator.testing;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    return start(workdir, Set.of());
  }

  /**
   * As {@link #start(Path)}, with the operators of the orgs named in {@code asProcesses} each started as
   * a process of its own ({@link Org#startOperatorProcess}), so that they can be killed for real.
   */
  public static Consortium start(Path workdir, Set<String> asProcesses) {
    List<Org> orgs = new ArrayList<>();
    try {
      for (String name : List.of("org1", "org2", "org3")) {
        Org org = Org.cluster(name, workdir);
        orgs.add(org);
        if (asProcesses.contains(name)) {
          org.startOperatorProcess();
        } else {
          org.startOperator();
        }
      }
    } catch (RuntimeException | Error e) {
      orgs.forEach(Org::close);
      throw e;
    }
    Consortium consortium = new Consortium(orgs.get(0), orgs.get(1), orgs.get(2));
    try {
      for (Org invitee : List.of(consortium.org2, consortium.org3)) {
        TcpProxy link = new TcpProxy(consortium.org1.meshPort());
        consortium.links.put(invitee.name(), link);
        accept(invitee, "org1", invite(consortium.org1, invitee.name(),
            invitation -> invitation.externalUrl = "wss://127.0.0.1:" + link.port()));
      }
      consortium.awaitConnected();
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

  /** Waits until both links are Connected at both ends. */
  public void awaitConnected() {
    for (Org invitee : List.of(org2, org3)) {
      awaitPhase(org1, invitee.name(), PairingPhase.Connected);
      awaitPhase(invitee, "org1", PairingPhase.Connected);
    }
  }

  /**
   * Waits up to {@code timeout} until every link is Connected at both ends, and the links of
   * {@code disrupted} (all of them for org1) with a session made at {@code since} or later: a link is
   * back once it was made again, not while a status written before it went down still says Connected.
   */
  public void awaitReconnected(Org disrupted, Instant since, Duration timeout) {
    Instant from = since.truncatedTo(ChronoUnit.SECONDS); // the status says it to the second
    for (Org invitee : List.of(org2, org3)) {
      boolean remade = disrupted == org1 || disrupted == invitee;
      for (Org end : List.of(org1, invitee)) {
        String pairing = end == org1 ? invitee.name() : "org1";
        Org.await(end.name() + "/" + pairing + " to be Connected" + (remade ? " again since " + from : ""), timeout,
            () -> {
              PeerPairing p = Pairings.pairing(end, pairing);
              return p != null && p.getStatus() != null && p.getStatus().phase == PairingPhase.Connected
                  && (!remade || p.getStatus().connectedSince != null
                      && !Instant.parse(p.getStatus().connectedSince).isBefore(from));
            });
      }
    }
  }

  /**
   * Kills {@code org}'s operator as kill -9 would ({@link Org#killOperator}): its peers see its links drop
   * without a close frame. The links are let through again once it is dead.
   */
  public void kill(Org org) {
    List<TcpProxy> itsLinks = org == org1 ? List.copyOf(links.values()) : List.of(link(org.name()));
    try {
      org.killOperator(() -> itsLinks.forEach(TcpProxy::cut));
    } finally {
      itsLinks.forEach(TcpProxy::restore);
    }
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
