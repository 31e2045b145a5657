package io.consortium.operator.share.kinds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.ChaincodeShareSpec;
import io.consortium.operator.api.v1alpha1.ChaincodeShareStatus;
import io.consortium.operator.api.v1alpha1.spec.CcaasSpec;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition;
import io.consortium.operator.api.v1alpha1.spec.ChaincodeLevel;
import io.consortium.operator.api.v1alpha1.spec.ChaincodePackageSource;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.fabric.chaincode.CcaasConnection;
import io.consortium.operator.fabric.chaincode.CcaasPackage;
import io.consortium.operator.fabric.chaincode.ChaincodePackage;
import io.consortium.operator.fabric.chaincode.CollectionDefinition;
import io.consortium.operator.fabric.chaincode.EndorsementPolicy;
import io.consortium.operator.fabric.chaincode.PackageLabel;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareContext;
import io.consortium.operator.share.ShareEngine;
import io.consortium.operator.share.ShareKind;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ChaincodeShare: the chaincode definition every org must approve identically, and the package every
 * org installs byte for byte. The origin reads (or, for chaincode as a service, builds
 * deterministically) the package; the receiver checks that the bytes give the package ID, label and
 * SHA-256 and the definition gives the digest the origin announced. On accept it keeps the package and definition in
 * a ConfigMap, and at level Installed with CCaaS runs the chaincode server here.
 */
public final class ChaincodeShareKind extends BaseShareKind<ChaincodeShare, ChaincodeShareSpec, ChaincodeShareStatus> {

  public static final String CHAINCODE_SHARE_LABEL = "consortium.io/chaincodeshare";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PackagePayload(String label, String bytes, String sha256) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Payload(ChaincodeLevel level, ChaincodeDefinition definition, PackagePayload pkg, CcaasSpec ccaas,
      String packageId, String definitionDigest) {}

  public ChaincodeShareKind(ShareContext context) {
    super(context, ChaincodeShare.class, ChaincodeShare::new, ChaincodeShareSpec::new, ChaincodeShareStatus::new);
  }

  /** The host every org's CCaaS Service has, so that the package's connection.json is the same everywhere. */
  public static String ccaasHost(ChaincodeDefinition definition) {
    return ResourceNames.serviceName(definition.name.toLowerCase(Locale.ROOT).replace('_', '-'));
  }

  @Override
  public JsonNode payload(ChaincodeShare share, ChaincodeShareStatus status) throws InvalidShareSource {
    ChaincodeShareSpec spec = share.getSpec();
    String digest = digest(spec.definition);
    byte[] bytes = null;
    if (spec.packageSource != null && spec.packageSource.configMapRef != null) {
      bytes = context.configMapBytes(spec.packageSource.configMapRef.name, spec.packageSource.configMapRef.key,
          "spec.packageSource.configMapRef");
    } else if (spec.ccaas != null) {
      // Deterministic: every org that builds it from the same definition gets the same package ID.
      int port = spec.ccaas.port == null ? 9999 : spec.ccaas.port;
      bytes = CcaasPackage.build(new PackageLabel(label(spec)),
          CcaasConnection.plain(ccaasHost(spec.definition) + ":" + port, null)).bytes();
    }
    PackagePayload pkg = null;
    String packageId = null;
    if (bytes != null) {
      ChaincodePackage read = readPackage(bytes, "the package in " + (spec.packageSource != null
          && spec.packageSource.configMapRef != null ? "ConfigMap " + spec.packageSource.configMapRef.name : "spec.ccaas"));
      if (spec.packageSource != null && spec.packageSource.label != null
          && !spec.packageSource.label.equals(read.metadata().label().value())) {
        throw new InvalidShareSource("LabelMismatch", "spec.packageSource.label is " + spec.packageSource.label
            + " but the package's metadata.json says " + read.metadata().label().value());
      }
      packageId = read.id().toString();
      pkg = new PackagePayload(read.metadata().label().value(), Base64.getEncoder().encodeToString(bytes),
          Sha256.hex(bytes));
    }
    return ProtocolJson.MAPPER.valueToTree(new Payload(spec.level == null ? ChaincodeLevel.Package : spec.level,
        spec.definition, pkg, spec.ccaas, packageId, digest));
  }

  /**
   * Keeps the chaincode as the sender described it once what arrived confirms it: the definition
   * digests to the announced digest, the package bytes hash to the announced SHA-256, read as a
   * package Fabric would install, and give the announced package ID and label ({@code PayloadMismatch}
   * otherwise).
   */
  @Override
  public void receive(ChaincodeShareSpec spec, JsonNode payload) throws InvalidShareSource {
    Payload in = Payloads.read(payload, Payload.class, kind());
    if (in.definition() == null) {
      throw new InvalidShareSource("PayloadInvalid", "a ChaincodeShare payload without its definition");
    }
    String digest = digest(in.definition());
    Payloads.same(in.definitionDigest(), digest, "digest of the definition");
    spec.packageSource = null;
    if (in.pkg() != null) {
      byte[] bytes = Payloads.verified(in.pkg().bytes(), in.pkg().sha256(), "chaincode package");
      if (bytes == null) {
        throw new InvalidShareSource("PayloadInvalid", "a ChaincodeShare payload names a package but holds no bytes");
      }
      ChaincodePackage read = readPackage(bytes, "the package received");
      Payloads.same(in.packageId(), read.id().toString(), "package ID");
      Payloads.same(in.pkg().label(), read.metadata().label().value(), "package label");
      spec.packageSource = new ChaincodePackageSource();
      spec.packageSource.label = in.pkg().label();
      spec.packageSource.sha256 = in.pkg().sha256();
    } else if (in.packageId() != null) {
      throw new InvalidShareSource(Payloads.PAYLOAD_MISMATCH, "the sender announces package " + in.packageId()
          + " but sent no package");
    }
    spec.level = in.level();
    spec.definition = in.definition();
    spec.ccaas = in.ccaas();
  }

  @Override
  public JsonNode payloadOf(ChaincodeShareSpec spec) {
    PackagePayload pkg = spec.packageSource == null ? null
        : new PackagePayload(spec.packageSource.label, null, spec.packageSource.sha256);
    String packageId = pkg == null ? null : pkg.label() + ":" + pkg.sha256();
    String digest;
    try {
      digest = digest(spec.definition);
    } catch (InvalidShareSource e) {
      digest = null;
    }
    return ProtocolJson.MAPPER.valueToTree(new Payload(spec.level, spec.definition, pkg, spec.ccaas, packageId, digest));
  }

  @Override
  public void describe(ChaincodeShareStatus status, JsonNode payload) {
    Payload p = Payloads.readValid(payload, Payload.class);
    status.packageId = p.packageId();
    status.definitionDigest = p.definitionDigest();
  }

  @Override
  public void acceptAutomatically(ChaincodeShareSpec spec) {
    spec.decision = Decision.Accept;
  }

  @Override
  public void withdrawDecision(ChaincodeShareSpec spec) {
    spec.decision = null;
  }

  @Override
  public void stored(ChaincodeShare share, JsonNode payload) {
    Payload p = Payloads.readValid(payload, Payload.class);
    if (p.pkg() != null) {
      context.writeOwnedConfigMap(share, ResourceNames.derived(share.getMetadata().getName(), "-received"), labels(share), Map.of(),
          Map.of("chaincode.tar.gz", Base64.getDecoder().decode(p.pkg().bytes())));
    }
  }

  @Override
  public void accepted(ChaincodeShare share, ChaincodeShareStatus status) {
    ChaincodeShareSpec spec = share.getSpec();
    String name = ResourceNames.derived(share.getMetadata().getName(), "-chaincode");
    Map<String, String> data = new LinkedHashMap<>();
    data.put("definition.json", ProtocolJson.MAPPER.valueToTree(spec.definition).toPrettyString() + "\n");
    String packageId = share.getStatus().packageId;
    Map<String, byte[]> binary = new LinkedHashMap<>();
    if (packageId != null) {
      data.put("package-id", packageId);
      try {
        binary.put("chaincode.tar.gz", context.configMapBytes(ResourceNames.derived(share.getMetadata().getName(), "-received"),
            "chaincode.tar.gz", "the received package"));
      } catch (InvalidShareSource e) {
        // Kept beside the share on arrival; if someone removed it, the next revision brings it back.
      }
    }
    context.writeOwnedConfigMap(share, name, labels(share), data, binary);
    String deployment = spec.level == ChaincodeLevel.Installed && spec.ccaas != null && packageId != null
        ? runChaincodeServer(share, packageId) : null;
    status.deploymentName = deployment;
  }

  /** The chaincode server (CCaaS) here, reached by the peer at the address in the package's connection.json. */
  private String runChaincodeServer(ChaincodeShare share, String packageId) {
    CcaasSpec ccaas = share.getSpec().ccaas;
    int port = ccaas.port == null ? 9999 : ccaas.port;
    String host = ccaasHost(share.getSpec().definition);
    Map<String, String> selector = Map.of("app.kubernetes.io/name", host, "app.kubernetes.io/component", "chaincode");
    OwnerReference owner = new OwnerReferenceBuilder().withApiVersion(share.getApiVersion()).withKind(share.getKind())
        .withName(share.getMetadata().getName()).withUid(share.getMetadata().getUid()).build();
    Deployment deployment = new DeploymentBuilder().withNewMetadata().withName(host).withNamespace(context.namespace())
        .addToLabels(selector).addToLabels(ShareContext.MANAGED_BY, "consortium-operator")
        .addToLabels(labels(share)).withOwnerReferences(owner).endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels(selector).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(selector).endMetadata().withNewSpec()
        .addNewContainer().withName("chaincode").withImage(ccaas.image)
        .addNewEnv().withName("CHAINCODE_SERVER_ADDRESS").withValue("0.0.0.0:" + port).endEnv()
        .addNewEnv().withName("CHAINCODE_ID").withValue(packageId).endEnv()
        .addNewPort().withName("chaincode").withContainerPort(port).endPort()
        .endContainer().endSpec().endTemplate().endSpec().build();
    context.client().apps().deployments().inNamespace(context.namespace()).resource(deployment)
        .createOr(NonDeletingOperation::update);
    context.client().services().inNamespace(context.namespace()).resource(new ServiceBuilder().withNewMetadata()
        .withName(host).withNamespace(context.namespace()).addToLabels(selector).withOwnerReferences(owner).endMetadata()
        .withNewSpec().withSelector(selector).addNewPort().withName("chaincode").withPort(port)
        .withTargetPort(new IntOrString(port)).endPort().endSpec().build()).createOr(NonDeletingOperation::update);
    return host;
  }

  private static String label(ChaincodeShareSpec spec) {
    return spec.packageSource != null && spec.packageSource.label != null ? spec.packageSource.label
        : spec.definition.name + "_" + spec.definition.version;
  }

  /** The digest every org compares before approving: equal definitions, equal digests. */
  static String digest(ChaincodeDefinition definition) throws InvalidShareSource {
    try {
      var domain = io.consortium.operator.fabric.chaincode.ChaincodeDefinition.of(definition.name, definition.version,
          definition.sequence, definition.endorsementPolicy == null ? EndorsementPolicy.channelDefault()
              : EndorsementPolicy.parse(definition.endorsementPolicy));
      if (definition.collections != null && !definition.collections.isBlank()) {
        domain = domain.withCollections(CollectionDefinition.fromJson(
            definition.collections.getBytes(StandardCharsets.UTF_8)));
      }
      return domain.withInitRequired(Boolean.TRUE.equals(definition.initRequired)).digest().hex();
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("DefinitionInvalid", "spec.definition: " + e.getMessage());
    }
  }

  private static ChaincodePackage readPackage(byte[] bytes, String what) throws InvalidShareSource {
    try {
      return ChaincodePackage.read(new ByteArrayInputStream(bytes));
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidShareSource("PackageInvalid", what + " is not a chaincode package Fabric would install: "
          + e.getMessage());
    }
  }

  private static Map<String, String> labels(ChaincodeShare share) {
    return Map.of(CHAINCODE_SHARE_LABEL, share.getMetadata().getName(),
        ShareEngine.FROM_LABEL, share.getSpec().from == null ? "" : share.getSpec().from.pairing);
  }
}
