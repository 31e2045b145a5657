package io.consortium.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Fabric channel or a Besu network definition offered to paired organizations. */
@Group(Share.GROUP)
@Version(Share.VERSION)
@ShortNames("netshare")
@Categories({"consortium", "shares"})
@AdditionalPrinterColumn(name = "Direction", jsonPath = ".status.direction", type = Type.STRING)
@AdditionalPrinterColumn(name = "Peers", jsonPath = ".status.peers", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.summary", type = Type.STRING)
@AdditionalPrinterColumn(name = "Platform", jsonPath = ".spec.platform", type = Type.STRING)
@AdditionalPrinterColumn(name = "Network", jsonPath = ".status.network", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class NetworkShare extends Share<NetworkShareSpec, NetworkShareStatus> {}
