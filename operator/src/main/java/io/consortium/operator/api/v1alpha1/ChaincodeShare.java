package io.consortium.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Chaincode at source, package or installed level, so that every org runs the same bytes. CCaaS first. */
@Group(Share.GROUP)
@Version(Share.VERSION)
@ShortNames("ccshare")
@Categories({"consortium", "shares"})
@AdditionalPrinterColumn(name = "Direction", jsonPath = ".status.direction", type = Type.STRING)
@AdditionalPrinterColumn(name = "Peers", jsonPath = ".status.peers", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.summary", type = Type.STRING)
@AdditionalPrinterColumn(name = "Chaincode", jsonPath = ".spec.definition.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "Package ID", jsonPath = ".status.packageId", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ChaincodeShare extends Share<ChaincodeShareSpec, ChaincodeShareStatus> {}
