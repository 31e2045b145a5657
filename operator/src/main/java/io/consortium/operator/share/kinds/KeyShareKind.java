package io.consortium.operator.share.kinds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.KeyShareStatus;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.share.PublicMaterial;
import io.consortium.operator.share.ShareContext;
import io.consortium.operator.share.ShareEngine;
import io.consortium.operator.share.ShareKind;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KeyShare: public key material. The origin reduces its source to public material (or makes a key
 * pair and keeps the private half in a local Secret); the receiver, on accept, writes the PEM public
 * material into a ConfigMap an MSP definition can reference.
 */
public final class KeyShareKind extends BaseShareKind<KeyShare, KeyShareSpec, KeyShareStatus> {

  /** What travels: only public material, the key's use and its MSP. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Payload(PublicKeyMaterial material, KeyUsage usage, String mspId) {}

  public KeyShareKind(ShareContext context) {
    super(context, KeyShare.class, KeyShare::new, KeyShareSpec::new, KeyShareStatus::new);
  }

  @Override
  public JsonNode payload(KeyShare share) throws InvalidShareSource {
    return ProtocolJson.MAPPER.valueToTree(new Payload(material(share), share.getSpec().usage, share.getSpec().mspId));
  }

  @Override
  public void receive(KeyShareSpec spec, JsonNode payload) throws InvalidShareSource {
    Payload received = Payloads.read(payload, Payload.class, kind());
    if (received.material() == null || received.material().publicKey == null || received.material().fingerprint == null) {
      throw new InvalidShareSource("PayloadInvalid", "a KeyShare payload without public key material");
    }
    spec.material = received.material();
    spec.usage = received.usage();
    spec.mspId = received.mspId();
  }

  @Override
  public JsonNode payloadOf(KeyShareSpec incoming) {
    return ProtocolJson.MAPPER.valueToTree(new Payload(incoming.material, incoming.usage, incoming.mspId));
  }

  @Override
  public void describe(KeyShareStatus status, JsonNode payload) {
    PublicKeyMaterial material = Payloads.readValid(payload, Payload.class).material();
    if (material != null) {
      status.algorithm = material.algorithm;
      status.curve = material.curve;
      status.keySize = material.keySize;
      status.fingerprint = material.fingerprint;
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

  @Override
  public void accepted(KeyShare share) {
    if (share.getStatus().configMapName != null || share.getSpec().material == null) {
      return;
    }
    String configMap = ResourceNames.derived(share.getMetadata().getName(), "-public-key");
    Map<String, String> data = new LinkedHashMap<>();
    PublicKeyMaterial material = share.getSpec().material;
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
    context.writer().update(KeyShare.class, share.getMetadata().getName(), KeyShareStatus::new,
        fresh -> fresh.getStatus().configMapName = configMap);
  }

  private PublicKeyMaterial material(KeyShare share) throws InvalidShareSource {
    KeyShareSpec spec = share.getSpec();
    if (spec.source != null) {
      try {
        return PublicMaterial.fromSecret(spec.source.name, context.secretText(spec.source.name, "spec.source"),
            spec.source.key);
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource(e.getMessage());
      }
    }
    String secretName = spec.generate.secretName != null ? spec.generate.secretName : ResourceNames.derived(share.getMetadata().getName(), "-key");
    Secret existing = context.client().secrets().inNamespace(context.namespace()).withName(secretName).get();
    if (existing != null && existing.getData() != null && existing.getData().containsKey("tls.crt")) {
      return PublicMaterial.fromPem(new String(Base64.getDecoder().decode(existing.getData().get("tls.crt")),
          StandardCharsets.UTF_8), "Secret " + secretName);
    }
    String curve = spec.generate.curve == KeyGeneration.Curve.P384 ? "P-384" : "P-256";
    PublicMaterial.Generated generated = PublicMaterial.generate(curve,
        spec.generate.commonName != null ? spec.generate.commonName : share.getMetadata().getName(),
        context.clock().instant());
    // The private key is written here and only here: it never leaves this cluster.
    context.client().secrets().inNamespace(context.namespace()).resource(new SecretBuilder()
        .withNewMetadata().withName(secretName).withNamespace(context.namespace())
        .addToLabels(ShareContext.MANAGED_BY, "consortium-operator")
        .addToLabels("consortium.io/keyshare", ResourceNames.labelValue(share.getMetadata().getName())).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.key", base64(generated.privateKeyPem()), "tls.crt", base64(generated.material().certificate)))
        .build()).create();
    context.writer().update(KeyShare.class, share.getMetadata().getName(), KeyShareStatus::new,
        fresh -> fresh.getStatus().generatedSecretName = secretName);
    return generated.material();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
