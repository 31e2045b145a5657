package io.consortium.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Fabric peer or orderer, or a Besu node. Local ones with {@code spec.advertise} are sent to
 * paired organizations; remote ones are synced in by the operator and are read-only.
 */
@Group(Share.GROUP)
@Version(Share.VERSION)
@ShortNames("cnode")
@Categories("consortium")
@AdditionalPrinterColumn(name = "Origin", jsonPath = ".status.origin", type = Type.STRING)
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.type", type = Type.STRING)
@AdditionalPrinterColumn(name = "MSP/Enode", jsonPath = ".status.identity", type = Type.STRING)
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".spec.endpoint", type = Type.STRING)
@AdditionalPrinterColumn(name = "Advertised", jsonPath = ".spec.advertise", type = Type.BOOLEAN, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ConsortiumNode extends CustomResource<ConsortiumNodeSpec, ConsortiumNodeStatus> implements Namespaced {}
