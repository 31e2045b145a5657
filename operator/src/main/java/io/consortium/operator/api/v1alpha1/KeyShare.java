package io.consortium.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Public key material (a certificate or a public key) sent to paired organizations. Never a private key. */
@Group(Share.GROUP)
@Version(Share.VERSION)
@ShortNames("keyshare")
@Categories({"consortium", "shares"})
@AdditionalPrinterColumn(name = "Direction", jsonPath = ".status.direction", type = Type.STRING)
@AdditionalPrinterColumn(name = "Peers", jsonPath = ".status.peers", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.summary", type = Type.STRING)
@AdditionalPrinterColumn(name = "Usage", jsonPath = ".spec.usage", type = Type.STRING)
@AdditionalPrinterColumn(name = "Fingerprint", jsonPath = ".status.fingerprint", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Not-After", jsonPath = ".status.certificate.notAfter", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class KeyShare extends Share<KeyShareSpec, KeyShareStatus> {}
