package io.consortium.operator.share;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The structured audit log: one JSON line per transition, on its own logger so that it can be routed apart. */
public final class Audit {

  private static final Logger AUDIT = LoggerFactory.getLogger("consortium.audit");

  private Audit() {}

  /** Logs one transition: time, actor, kind, resource, peer, from-phase, to-phase, reason. */
  public static void transition(String kind, String name, String peer, String from, String to, String actor,
      String reason) {
    AUDIT.info("{}", line(kind, name, peer, from, to, actor, reason));
  }

  /** Logs a message about a share that was dropped because it did not belong: who sent what, and why. */
  public static void dropped(String kind, String type, String peer, String shareUid, String reason, String message) {
    ObjectNode line = ProtocolJson.MAPPER.createObjectNode();
    line.put("time", Instant.now().toString());
    line.put("kind", kind);
    line.put("shareUid", shareUid);
    line.put("peer", peer);
    line.put("dropped", type);
    line.put("reason", reason);
    line.put("message", message);
    AUDIT.info("{}", line);
  }

  /** Logs an offered share this side refused to store: the peer, the reason, and why in words. */
  public static void refused(String kind, String name, String peer, String reason, String message) {
    AUDIT.info("{}", refusedLine(kind, name, peer, reason, message));
  }

  static String refusedLine(String kind, String name, String peer, String reason, String message) {
    ObjectNode line = ProtocolJson.MAPPER.createObjectNode();
    line.put("time", Instant.now().toString());
    line.put("kind", kind);
    line.put("share", name);
    line.put("peer", peer);
    line.put("to", "Refused");
    line.put("actor", "consortium-operator");
    line.put("reason", reason);
    line.put("message", message);
    return line.toString();
  }

  /** Logs a line another kind of resource built with its own fields (a PeerPairing's, say). */
  public static void write(ObjectNode line) {
    AUDIT.info("{}", line);
  }

  static String line(String kind, String name, String peer, String from, String to, String actor, String reason) {
    ObjectNode line = ProtocolJson.MAPPER.createObjectNode();
    line.put("time", Instant.now().toString());
    line.put("kind", kind);
    line.put("share", name);
    line.put("peer", peer);
    line.put("from", from);
    line.put("to", to);
    line.put("actor", actor);
    if (reason != null) {
      line.put("reason", reason);
    }
    return line.toString();
  }
}
