package io.consortium.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.generator.annotation.ValidationRule;

/** The trust link to one other instance: invitation, redemption, link health. */
@Group(Share.GROUP)
@Version(Share.VERSION)
@ShortNames("pairing")
@Categories("consortium")
@AdditionalPrinterColumn(name = "Role", jsonPath = ".status.role", type = Type.STRING)
@AdditionalPrinterColumn(name = "Peer", jsonPath = ".status.peer.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Flow", jsonPath = ".status.flow", type = Type.STRING)
@AdditionalPrinterColumn(name = "Redeemed", jsonPath = ".status.invitation.redemptions", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Allowed", jsonPath = ".status.invitation.maxRedemptions", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Invitation Expires", jsonPath = ".status.invitation.expiresAt", type = Type.STRING)
@AdditionalPrinterColumn(name = "Last Refused", jsonPath = ".status.invitation.lastRefused", type = Type.STRING)
@AdditionalPrinterColumn(name = "Last Seen", jsonPath = ".status.lastSeenAt", type = Type.DATE)
@AdditionalPrinterColumn(name = "Peer ID", jsonPath = ".status.peer.instanceId", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@ValidationRule(
    value = "self.metadata.name.size() <= 63",
    message = "a PeerPairing's name is at most 63 characters (a DNS label): it is a label value on what the pairing"
        + " brings in, and the prefix of the names of what it receives")
public class PeerPairing extends CustomResource<PeerPairingSpec, PeerPairingStatus> implements Namespaced {}
