package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeSpec;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeStatus;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.besu.EnodeUrl;
import io.consortium.operator.mesh.protocol.messages.NodeMetadata;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.consortium.operator.status.InvalidSpec;
import io.consortium.operator.validation.SpecValidation;
import io.consortium.operator.validation.Violation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * ConsortiumNode: a local node with {@code spec.advertise} is sent to every pairing whose flow
 * allows it; a remote one (written by the link, with {@code spec.origin}) only gets its status.
 */
@ControllerConfiguration(name = "consortiumnode")
public final class ConsortiumNodeReconciler implements Reconciler<ConsortiumNode>, Cleaner<ConsortiumNode> {

  private final PeerSessions sessions;
  private final EventRecorder events;
  private final Clock clock;
  private final SimpleInboundEventSource<ConsortiumNode> linkEvents =
      new SimpleInboundEventSource<>("consortiumnode-link-events");

  public ConsortiumNodeReconciler(PeerSessions sessions, EventRecorder events, Clock clock) {
    this.sessions = sessions;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ConsortiumNode>> prepareEventSources(EventSourceContext<ConsortiumNode> context) {
    return List.of(linkEvents);
  }

  /** A pairing connected or went down: the local advertised nodes' status.advertisedTo is looked at again. */
  public void linkChanged(KubernetesClient client, String namespace) {
    for (NodeMetadata node : advertised(client, namespace)) {
      linkEvents.propagateEvent(new ResourceID(node.name(), namespace));
    }
  }

  @Override
  public UpdateControl<ConsortiumNode> reconcile(ConsortiumNode node, Context<ConsortiumNode> context) {
    ConsortiumNodeSpec spec = node.getSpec();
    ConsortiumNodeStatus status = node.getStatus() == null ? new ConsortiumNodeStatus() : node.getStatus();
    node.setStatus(status);
    Long generation = node.getMetadata().getGeneration();
    status.observedGeneration = generation;
    status.identity = identityColumn(spec);
    List<Violation> violations = SpecValidation.check(node);
    if (!violations.isEmpty()) {
      String message = SpecValidation.message(violations);
      if (InvalidSpec.shown(status.conditions, node.getStatus().observedGeneration, message, generation)) {
        return UpdateControl.noUpdate();
      }
      if (Conditions.set(status.conditions, Conditions.READY, ConditionStatus.False, InvalidSpec.REASON, message,
          generation, clock)) {
        events.record(node, EventRecorder.Type.Warning, InvalidSpec.REASON, message);
      }
      return UpdateControl.patchStatus(node);
    }
    String problem = validate(spec);
    if (problem != null) {
      if (Conditions.set(status.conditions, Conditions.READY, ConditionStatus.False, "InvalidNode", problem, generation,
          clock)) {
        events.record(node, EventRecorder.Type.Warning, "InvalidNode", problem);
      }
      return UpdateControl.patchStatus(node);
    }
    if (spec.origin != null) {
      status.origin = spec.origin.pairing;
      status.syncedAt = Conditions.now(clock);
      Conditions.set(status.conditions, Conditions.READY, ConditionStatus.True, "Synced",
          "advertised by the peer of pairing " + spec.origin.pairing + "; read-only here", generation, clock);
      return UpdateControl.patchStatus(node);
    }
    status.origin = "local";
    if (Boolean.TRUE.equals(spec.advertise)) {
      sessions.advertiseNodes();
      status.advertisedTo = sessions.advertisedTo();
      Conditions.set(status.conditions, Conditions.READY, ConditionStatus.True, "Advertised",
          status.advertisedTo.isEmpty() ? "advertised to every connected pairing whose flow allows it; none is now"
              : "advertised to " + String.join(", ", status.advertisedTo), generation, clock);
    } else {
      sessions.advertiseNodes();
      status.advertisedTo = null;
      Conditions.set(status.conditions, Conditions.READY, ConditionStatus.True, "NotAdvertised",
          "a local node; set spec.advertise to share its metadata with peers", generation, clock);
    }
    return UpdateControl.patchStatus(node);
  }

  @Override
  public DeleteControl cleanup(ConsortiumNode node, Context<ConsortiumNode> context) {
    if (node.getSpec().origin == null && Boolean.TRUE.equals(node.getSpec().advertise)) {
      // Peers learn that the node is gone from the next node set, which no longer holds it.
      sessions.advertiseNodes();
    }
    return DeleteControl.defaultDelete();
  }

  /** The local nodes to advertise, in a stable order: what every NODE_SET carries. */
  public static List<NodeMetadata> advertised(KubernetesClient client, String namespace) {
    return client.resources(ConsortiumNode.class).inNamespace(namespace).list().getItems().stream()
        .filter(n -> n.getSpec().origin == null && Boolean.TRUE.equals(n.getSpec().advertise))
        .filter(n -> n.getMetadata().getDeletionTimestamp() == null)
        .filter(n -> validate(n.getSpec()) == null && SpecValidation.check(n).isEmpty())
        .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
        .map(n -> new NodeMetadata(n.getMetadata().getUid(), n.getMetadata().getName(), n.getSpec().type,
            n.getSpec().mspId, n.getSpec().enode, n.getSpec().endpoint, n.getSpec().tlsCACert, n.getSpec().identityCert))
        .toList();
  }

  /** Why a node cannot be advertised, or null. The CRD's rules say the same to a real API server. */
  static String validate(ConsortiumNodeSpec spec) {
    if (spec.type == null) {
      return "spec.type is required: FabricPeer, FabricOrderer or BesuNode";
    }
    if (spec.type == NodeType.BesuNode) {
      if (spec.enode == null) {
        return "a BesuNode needs spec.enode";
      }
      try {
        EnodeUrl.parse(spec.enode);
      } catch (IllegalArgumentException e) {
        return "spec.enode: " + e.getMessage();
      }
    } else if (spec.mspId == null || spec.mspId.isBlank()) {
      return "a " + spec.type + " needs spec.mspId";
    }
    if (spec.tlsCACert != null && spec.tlsCACert.contains("PRIVATE KEY")) {
      return "spec.tlsCACert holds a private key: only the CA certificate may be shared";
    }
    if (spec.identityCert != null && spec.identityCert.contains("PRIVATE KEY")) {
      return "spec.identityCert holds a private key: only the certificate may be shared";
    }
    return null;
  }

  private static String identityColumn(ConsortiumNodeSpec spec) {
    if (spec.type == NodeType.BesuNode && spec.enode != null && spec.enode.startsWith("enode://")) {
      String id = spec.enode.substring("enode://".length());
      return "enode:" + id.substring(0, Math.min(12, id.length())) + "...";
    }
    return Objects.requireNonNullElse(spec.mspId, "");
  }
}
