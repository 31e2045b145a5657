package io.consortium.operator.share.kinds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.KeyShareStatus;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.share.PublicMaterial;
import io.consortium.operator.share.ShareContext;
import io.consortium.operator.share.ShareEngine;
import io.consortium.operator.share.ShareKind;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * KeyShare: public key material. The origin reduces its source to public material (or makes a key
 * pair and keeps the private half in a local Secret) and sends it only when its certificate is valid
 * and, for a certificate authority's usage, a CA certificate. The receiver reads the material again,
 * refuses what contradicts the sender's claims, shows only what it read itself, and on accept writes
 * the PEM public material, re-encoded, into a ConfigMap an MSP definition can reference.
 */
public final class KeyShareKind extends BaseShareKind<KeyShare, KeyShareSpec, KeyShareStatus> {

  /** What travels: only public material, the key's use and its MSP. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Payload(PublicKeyMaterial material, KeyUsage usage, String mspId) {}

  /** The condition that says whether the shared certificate is valid now (both sides). */
  public static final String CERTIFICATE_VALID = "CertificateValid";

  public KeyShareKind(ShareContext context) {
    super(context, KeyShare.class, KeyShare::new, KeyShareSpec::new, KeyShareStatus::new);
  }

  @Override
  public JsonNode payload(KeyShare share, KeyShareStatus status) throws InvalidShareSource {
    KeyShareSpec spec = share.getSpec();
    PublicKeyMaterial material = material(share, status);
    String where = spec.source != null ? "Secret " + spec.source.name : "Secret " + generatedSecretName(share)
        + " (spec.generate keeps the key pair it made there; delete the Secret to make a new one)";
    PublicMaterial.Derived derived = PublicMaterial.derive(material);
    PublicMaterial.checkUsage(spec.usage, derived, where);
    // Only a certificate that is valid now is sent; the receiver checks again, with its own clock.
    Optional<InvalidShareSource> invalid = PublicMaterial.invalidAt(derived, clock().instant(), where);
    if (invalid.isPresent()) {
      throw invalid.get();
    }
    return ProtocolJson.MAPPER.valueToTree(new Payload(material, spec.usage, spec.mspId));
  }

  /**
   * Keeps the sender's material as it came (its claims) once it is read again here: only a public key
   * and certificates, whose fingerprint, algorithm, curve and size are what the sender claims, and a
   * CA certificate for a CA usage. An expired certificate is kept, and shown (CertificateValid=False).
   */
  @Override
  public void receive(KeyShareSpec spec, JsonNode payload) throws InvalidShareSource {
    Payload received = Payloads.read(payload, Payload.class, kind());
    if (received.material() == null || received.material().publicKey == null || received.material().fingerprint == null) {
      throw new InvalidShareSource("PayloadInvalid", "a KeyShare payload without public key material");
    }
    PublicMaterial.Derived derived = PublicMaterial.derive(received.material());
    PublicMaterial.checkClaims(received.material(), derived);
    PublicMaterial.checkUsage(received.usage(), derived, "the material received");
    spec.material = received.material();
    spec.usage = received.usage();
    spec.mspId = received.mspId();
  }

  @Override
  public JsonNode payloadOf(KeyShareSpec incoming) {
    return ProtocolJson.MAPPER.valueToTree(new Payload(incoming.material, incoming.usage, incoming.mspId));
  }

  /** Both sides: what the key and its certificate are, read from them here; the sender's claims are not shown. */
  @Override
  public void describe(KeyShareStatus status, JsonNode payload) {
    PublicKeyMaterial material = Payloads.readValid(payload, Payload.class).material();
    status.algorithm = null;
    status.curve = null;
    status.keySize = null;
    status.fingerprint = null;
    status.certificate = null;
    PublicMaterial.Derived derived;
    try {
      derived = material == null ? null : PublicMaterial.derive(material);
    } catch (InvalidShareSource e) {
      derived = null;
    }
    if (derived == null) {
      Conditions.remove(status.conditions, CERTIFICATE_VALID);
      return;
    }
    status.algorithm = derived.key().algorithm();
    status.curve = derived.key().curve();
    status.keySize = derived.key().keySize() == 0 ? null : derived.key().keySize();
    status.fingerprint = derived.key().fingerprint();
    status.certificate = PublicMaterial.status(derived);
    if (status.certificate == null) {
      Conditions.remove(status.conditions, CERTIFICATE_VALID);
      return;
    }
    Optional<InvalidShareSource> invalid = PublicMaterial.invalidAt(derived, clock().instant(), "the share");
    Conditions.set(status.conditions, CERTIFICATE_VALID, invalid.isPresent() ? ConditionStatus.False : ConditionStatus.True,
        invalid.map(InvalidShareSource::reason).orElse("Valid"), invalid.map(Throwable::getMessage)
            .orElse("the certificate is valid until " + status.certificate.notAfter), status.observedGeneration, clock());
  }

  /** Incoming: a certificate that is not valid now is kept, and said at once in an Event so a person sees it before deciding. */
  @Override
  public void stored(KeyShare incoming, JsonNode payload) {
    PublicKeyMaterial material = Payloads.readValid(payload, Payload.class).material();
    try {
      PublicMaterial.invalidAt(PublicMaterial.derive(material), clock().instant(), "the share").ifPresent(e ->
          context.events().record(incoming, EventRecorder.Type.Warning, e.reason(), e.getMessage()
              + "; it is kept, but think twice before accepting it"));
    } catch (InvalidShareSource e) {
      // Checked on arrival: what was stored reads.
    }
  }

  @Override
  public void acceptAutomatically(KeyShareSpec spec) {
    spec.decision = Decision.Accept;
  }

  @Override
  public void withdrawDecision(KeyShareSpec spec) {
    spec.decision = null;
  }

  /** Incoming, accepted: the ConfigMap gets the material as read here (re-encoded), never the bytes as they came. */
  @Override
  public void accepted(KeyShare share, KeyShareStatus status) {
    if (status.configMapName != null || share.getSpec().material == null) {
      return;
    }
    PublicMaterial.Derived derived;
    try {
      derived = PublicMaterial.derive(share.getSpec().material);
    } catch (InvalidShareSource e) {
      context.events().record(share, EventRecorder.Type.Warning, e.reason(), "nothing written: " + e.getMessage());
      return;
    }
    String configMap = ResourceNames.derived(share.getMetadata().getName(), "-public-key");
    Map<String, String> data = new LinkedHashMap<>();
    PublicKeyMaterial material = derived.material();
    if (material.certificate != null) {
      data.put("certificate.pem", material.certificate);
    }
    data.put("public-key.pem", material.publicKey);
    data.put("fingerprint", material.fingerprint);
    if (share.getSpec().mspId != null) {
      data.put("mspId", share.getSpec().mspId);
    }
    if (share.getSpec().usage != null) {
      data.put("usage", share.getSpec().usage.name());
    }
    data.put("from", share.getSpec().from.pairing);
    context.writeOwnedConfigMap(share, configMap, Map.of(ShareEngine.FROM_LABEL, share.getSpec().from.pairing), data,
        Map.of());
    status.configMapName = configMap;
  }

  private PublicKeyMaterial material(KeyShare share, KeyShareStatus status) throws InvalidShareSource {
    KeyShareSpec spec = share.getSpec();
    if (spec.source != null) {
      try {
        return PublicMaterial.fromSecret(spec.source.name, context.secretText(spec.source.name, "spec.source"),
            spec.source.key);
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource(e.getMessage());
      }
    }
    String secretName = generatedSecretName(share);
    Secret existing = context.sources().secret(secretName);
    if (existing != null && existing.getData() != null && existing.getData().containsKey("tls.crt")) {
      status.generatedSecretName = secretName;
      return PublicMaterial.fromPem(new String(Base64.getDecoder().decode(existing.getData().get("tls.crt")),
          StandardCharsets.UTF_8), "Secret " + secretName);
    }
    String curve = spec.generate.curve == KeyGeneration.Curve.P384 ? "P-384" : "P-256";
    // A certificate authority's key gets a CA certificate; any other a certificate for signing and TLS.
    PublicMaterial.Generated generated = PublicMaterial.generate(curve,
        spec.generate.commonName != null ? spec.generate.commonName : share.getMetadata().getName(),
        context.clock().instant(), spec.usage != null && spec.usage.isCertificateAuthority());
    // The private key is written here and only here: it never leaves this cluster.
    context.client().secrets().inNamespace(context.namespace()).resource(new SecretBuilder()
        .withNewMetadata().withName(secretName).withNamespace(context.namespace())
        .addToLabels(ShareContext.MANAGED_BY, "consortium-operator")
        .addToLabels("consortium.io/keyshare", ResourceNames.labelValue(share.getMetadata().getName())).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.key", base64(generated.privateKeyPem()), "tls.crt", base64(generated.material().certificate)))
        .build()).create();
    status.generatedSecretName = secretName;
    return generated.material();
  }

  private static String generatedSecretName(KeyShare share) {
    KeyGeneration generate = share.getSpec().generate;
    return generate != null && generate.secretName != null ? generate.secretName
        : ResourceNames.derived(share.getMetadata().getName(), "-key");
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
