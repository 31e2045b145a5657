package io.consortium.operator.identity;

import io.consortium.operator.pki.Pem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the instance identity in a Secret: made on first start, reused on every later one. A Secret
 * that exists but cannot be used is never overwritten, since that would silently break every pairing.
 */
public final class IdentityStore {

  public static final String PRIVATE_KEY = "tls.key";
  public static final String CERTIFICATE = "tls.crt";
  public static final String INSTANCE_ID_ANNOTATION = "consortium.io/instance-id";
  /** ConfigMap where anyone allowed to read ConfigMaps finds this instance's public identity. */
  public static final String INSTANCE_CONFIGMAP = "consortium-instance";
  /** Set this annotation on the identity Secret (any value) to roll the instance key. */
  public static final String ROLL_KEY_ANNOTATION = "consortium.io/roll-key";
  /** During a key rollover: the next key and certificate, kept beside the one still in use. */
  public static final String NEXT_PRIVATE_KEY = "next.key";
  public static final String NEXT_CERTIFICATE = "next.crt";
  static final String ROLLOVER_STARTED_ANNOTATION = "consortium.io/key-rollover-started-at";
  static final String ROLLOVER_RETIRES_BY_ANNOTATION = "consortium.io/key-rollover-retires-by";

  /** What the identity Secret holds: the identity in use, a rollover under way, and whether one was asked for. */
  public record Stored(InstanceIdentity current, LocalIdentity.Rollover rollover, boolean rollRequested) {}

  private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final Clock clock;

  public IdentityStore(KubernetesClient client, String namespace, String secretName, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.clock = clock;
  }

  /** The identity in the Secret, or a new one written into a new Secret when there is none. */
  public InstanceIdentity loadOrCreate(String instanceName, List<String> dnsNames) {
    return loadOrCreate(instanceName, dnsNames, SelfSignedCertificates.INSTANCE_CERTIFICATE_VALIDITY);
  }

  /** As above, a new certificate being valid for {@code validity}. */
  public InstanceIdentity loadOrCreate(String instanceName, List<String> dnsNames, java.time.Duration validity) {
    Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (existing != null) {
      return read(existing);
    }
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    X509Certificate certificate = SelfSignedCertificates.selfSigned(keyPair, instanceName, dnsNames,
        clock.instant().minusSeconds(60), validity);
    InstanceIdentity identity = new InstanceIdentity(keyPair, certificate);
    Secret secret = new SecretBuilder()
        .withNewMetadata()
        .withName(secretName)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "consortium-operator")
        .addToLabels("app.kubernetes.io/component", "instance-identity")
        .addToAnnotations(INSTANCE_ID_ANNOTATION, identity.instanceId())
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of(
            PRIVATE_KEY, base64(Pem.privateKey(keyPair.getPrivate())),
            CERTIFICATE, base64(Pem.certificate(certificate))))
        .build();
    try {
      client.secrets().inNamespace(namespace).resource(secret).create();
      LOG.info("Created the instance identity in Secret {}/{}", namespace, secretName);
      return identity;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Another replica made it first: everyone uses that one.
        return read(client.secrets().inNamespace(namespace).withName(secretName).get());
      }
      throw e;
    }
  }

  /**
   * Writes the public side of the identity where a person reads it with kubectl: a ConfigMap, and
   * an annotation on the Secret.
   */
  public void publish(InstanceIdentity identity, String instanceName, String externalUrl) {
    publish(new LocalIdentity(identity, null), instanceName, externalUrl, null);
  }

  /** As above, with a key rollover under way and the next renewal shown when there are. */
  public void publish(LocalIdentity local, String instanceName, String externalUrl, java.time.Instant renewsAt) {
    InstanceIdentity identity = local.get();
    Map<String, String> data = new LinkedHashMap<>();
    data.put("instanceId", identity.instanceId());
    data.put("instanceName", instanceName);
    data.put("externalUrl", externalUrl);
    data.put("certificateNotAfter", identity.certificateNotAfter().toString());
    if (renewsAt != null) {
      data.put("certificateRenewsAt", renewsAt.toString());
    }
    local.rollover().ifPresent(r -> {
      data.put("keyRolloverTo", r.next().instanceId());
      data.put("keyRolloverRetiresBy", r.retiresBy().toString());
    });
    data.put("certificate.pem", Pem.certificate(identity.certificate()));
    ConfigMap configMap = new ConfigMapBuilder()
        .withNewMetadata()
        .withName(INSTANCE_CONFIGMAP)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "consortium-operator")
        .addToLabels("app.kubernetes.io/component", "instance-identity")
        .endMetadata()
        .withData(data)
        .build();
    client.configMaps().inNamespace(namespace).resource(configMap).createOr(NonDeletingOperation::update);
  }

  /** The identity Secret as it is now (written by this replica or another). */
  public Stored load() {
    Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (secret == null) {
      throw new IllegalStateException("the identity Secret " + namespace + "/" + secretName + " was deleted;"
          + " restore it from a backup (a new identity breaks every pairing)");
    }
    InstanceIdentity current = read(secret);
    Map<String, String> annotations = secret.getMetadata().getAnnotations() == null ? Map.of()
        : secret.getMetadata().getAnnotations();
    LocalIdentity.Rollover rollover = null;
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    if (data.containsKey(NEXT_PRIVATE_KEY) && annotations.containsKey(ROLLOVER_RETIRES_BY_ANNOTATION)) {
      rollover = new LocalIdentity.Rollover(read(secret, NEXT_PRIVATE_KEY, NEXT_CERTIFICATE),
          java.time.Instant.parse(annotations.get(ROLLOVER_STARTED_ANNOTATION)),
          java.time.Instant.parse(annotations.get(ROLLOVER_RETIRES_BY_ANNOTATION)));
    }
    return new Stored(current, rollover, annotations.containsKey(ROLL_KEY_ANNOTATION));
  }

  /** Keeps a renewed certificate (same key) in the Secret. */
  public void saveRenewed(InstanceIdentity renewed) {
    client.secrets().inNamespace(namespace).withName(secretName).edit(s -> {
      s.getData().put(CERTIFICATE, base64(Pem.certificate(renewed.certificate())));
      return s;
    });
  }

  /** Keeps the next key beside the one in use, and takes the request for it away. */
  public void saveRolloverStarted(LocalIdentity.Rollover rollover) {
    client.secrets().inNamespace(namespace).withName(secretName).edit(s -> {
      s.getData().put(NEXT_PRIVATE_KEY, base64(Pem.privateKey(rollover.next().keyPair().getPrivate())));
      s.getData().put(NEXT_CERTIFICATE, base64(Pem.certificate(rollover.next().certificate())));
      s.getMetadata().getAnnotations().remove(ROLL_KEY_ANNOTATION);
      s.getMetadata().getAnnotations().put(ROLLOVER_STARTED_ANNOTATION, rollover.startedAt().toString());
      s.getMetadata().getAnnotations().put(ROLLOVER_RETIRES_BY_ANNOTATION, rollover.retiresBy().toString());
      return s;
    });
  }

  /** Keeps the renewed certificate of the next key, during a long rollover. */
  public void saveNextRenewed(InstanceIdentity next) {
    client.secrets().inNamespace(namespace).withName(secretName).edit(s -> {
      s.getData().put(NEXT_CERTIFICATE, base64(Pem.certificate(next.certificate())));
      return s;
    });
  }

  /** The next key becomes the key in use; the old private key is gone from the Secret. */
  public void saveOldKeyRetired(InstanceIdentity now) {
    client.secrets().inNamespace(namespace).withName(secretName).edit(s -> {
      s.getData().put(PRIVATE_KEY, base64(Pem.privateKey(now.keyPair().getPrivate())));
      s.getData().put(CERTIFICATE, base64(Pem.certificate(now.certificate())));
      s.getData().remove(NEXT_PRIVATE_KEY);
      s.getData().remove(NEXT_CERTIFICATE);
      s.getMetadata().getAnnotations().put(INSTANCE_ID_ANNOTATION, now.instanceId());
      s.getMetadata().getAnnotations().remove(ROLLOVER_STARTED_ANNOTATION);
      s.getMetadata().getAnnotations().remove(ROLLOVER_RETIRES_BY_ANNOTATION);
      return s;
    });
  }

  /** The identity Secret's name, for watching it. */
  public String secretName() {
    return secretName;
  }

  private InstanceIdentity read(Secret secret) {
    return read(secret, PRIVATE_KEY, CERTIFICATE);
  }

  private InstanceIdentity read(Secret secret, String keyName, String certificateName) {
    String where = "identity Secret " + namespace + "/" + secretName;
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String keyPem = decode(data.get(keyName), where, keyName);
    String certPem = decode(data.get(certificateName), where, certificateName);
    try {
      PrivateKey privateKey = Pem.readPrivateKey(keyPem);
      List<X509Certificate> certificates = Pem.readCertificates(certPem);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(certificateName + " holds no certificate");
      }
      X509Certificate certificate = certificates.get(0);
      requireMatchingKey(privateKey, certificate);
      return new InstanceIdentity(new KeyPair(certificate.getPublicKey(), privateKey), certificate);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(unusable(where, e.getMessage()));
    }
  }

  /** A key and certificate that do not belong together would make every TLS handshake fail. */
  private static void requireMatchingKey(PrivateKey privateKey, X509Certificate certificate) {
    try {
      byte[] probe = "consortium-operator identity check".getBytes(StandardCharsets.UTF_8);
      java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new IllegalArgumentException("the private key does not belong to the certificate");
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("the key is not an EC key usable for ES256: " + e.getMessage());
    }
  }

  private static String decode(String value, String where, String key) {
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(unusable(where, "it has no '" + key + "' key"));
    }
    try {
      return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(unusable(where, "'" + key + "' is not base64"));
    }
  }

  private static String unusable(String where, String why) {
    return where + " is unusable (" + why + "); it was left as it is: restore it from a backup,"
        + " or delete it to make a new identity (every pairing must then be made again)";
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
