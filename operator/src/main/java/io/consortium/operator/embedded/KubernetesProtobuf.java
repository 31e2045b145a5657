package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the request bodies kubectl sends as protobuf (client-go 1.32 and newer sends built-in kinds
 * that way and has no fallback to JSON): the Kubernetes envelope ({@code k8s\0} + runtime.Unknown)
 * around a core/v1 object, turned into the JSON the store keeps. The kinds read are those kubectl's
 * {@code create} makes and the embedded server serves; field numbers are k8s.io/api's generated.proto.
 */
final class KubernetesProtobuf {

  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The kinds read, and where the embedded server keeps them. */
  static final Map<String, String> KINDS = Map.of(
      "Secret", "secrets", "ConfigMap", "configmaps", "Namespace", "namespaces", "ServiceAccount", "serviceaccounts");

  /** A body this server cannot read, with the reason a person can act on. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  private KubernetesProtobuf() {}

  static ObjectNode toJson(byte[] body) throws Unreadable {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw new Unreadable("the body is not a Kubernetes protobuf message (no k8s\\0 prefix)");
    }
    try {
      CodedInputStream envelope = CodedInputStream.newInstance(body, MAGIC.length, body.length - MAGIC.length);
      String apiVersion = null;
      String kind = null;
      byte[] raw = null;
      int tag;
      while ((tag = envelope.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            CodedInputStream typeMeta = CodedInputStream.newInstance(envelope.readByteArray());
            int t;
            while ((t = typeMeta.readTag()) != 0) {
              switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> apiVersion = typeMeta.readStringRequireUtf8();
                case 2 -> kind = typeMeta.readStringRequireUtf8();
                default -> typeMeta.skipField(t);
              }
            }
          }
          case 2 -> raw = envelope.readByteArray();
          default -> envelope.skipField(tag);
        }
      }
      if (!"v1".equals(apiVersion) || kind == null || !KINDS.containsKey(kind) || raw == null) {
        throw new Unreadable("the embedded API server reads protobuf bodies of " + String.join(", ", KINDS.keySet().stream()
            .sorted().toList()) + " (v1) only, not of " + kind + " (" + apiVersion + "); send it as JSON or YAML:"
            + " kubectl create ... --dry-run=client -o yaml | kubectl apply -f -");
      }
      ObjectNode object = JSON.objectNode();
      object.put("apiVersion", apiVersion);
      object.put("kind", kind);
      CodedInputStream in = CodedInputStream.newInstance(raw);
      switch (kind) {
        case "Secret" -> secret(in, object);
        case "ConfigMap" -> configMap(in, object);
        case "Namespace" -> namespace(in, object);
        default -> serviceAccount(in, object);
      }
      return object;
    } catch (IOException e) {
      throw new Unreadable("the protobuf body cannot be read: " + e.getMessage());
    }
  }

  private static void secret(CodedInputStream in, ObjectNode object) throws IOException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> object.set("metadata", objectMeta(in.readByteArray()));
        case 2 -> bytesEntry(in.readByteArray(), object.withObject("/data"));
        case 3 -> object.put("type", in.readStringRequireUtf8());
        case 4 -> stringEntry(in.readByteArray(), object.withObject("/stringData"));
        case 5 -> object.put("immutable", in.readBool());
        default -> in.skipField(tag);
      }
    }
  }

  private static void configMap(CodedInputStream in, ObjectNode object) throws IOException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> object.set("metadata", objectMeta(in.readByteArray()));
        case 2 -> stringEntry(in.readByteArray(), object.withObject("/data"));
        case 3 -> bytesEntry(in.readByteArray(), object.withObject("/binaryData"));
        case 4 -> object.put("immutable", in.readBool());
        default -> in.skipField(tag);
      }
    }
  }

  private static void namespace(CodedInputStream in, ObjectNode object) throws IOException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> object.set("metadata", objectMeta(in.readByteArray()));
        case 2 -> {
          CodedInputStream spec = CodedInputStream.newInstance(in.readByteArray());
          ObjectNode specNode = object.withObject("/spec");
          int t;
          while ((t = spec.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(t) == 1) {
              specNode.withArray("/finalizers").add(spec.readStringRequireUtf8());
            } else {
              spec.skipField(t);
            }
          }
        }
        default -> in.skipField(tag);
      }
    }
  }

  private static void serviceAccount(CodedInputStream in, ObjectNode object) throws IOException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> object.set("metadata", objectMeta(in.readByteArray()));
        case 2 -> object.withArray("/secrets").add(objectReference(in.readByteArray()));
        case 3 -> object.withArray("/imagePullSecrets").add(strings(in.readByteArray(), "name"));
        case 4 -> object.put("automountServiceAccountToken", in.readBool());
        default -> in.skipField(tag);
      }
    }
  }

  private static ObjectNode objectMeta(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    ObjectNode meta = JSON.objectNode();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> meta.put("name", in.readStringRequireUtf8());
        case 2 -> meta.put("generateName", in.readStringRequireUtf8());
        case 3 -> meta.put("namespace", in.readStringRequireUtf8());
        case 5 -> meta.put("uid", in.readStringRequireUtf8());
        case 6 -> meta.put("resourceVersion", in.readStringRequireUtf8());
        case 11 -> stringEntry(in.readByteArray(), meta.withObject("/labels"));
        case 12 -> stringEntry(in.readByteArray(), meta.withObject("/annotations"));
        case 13 -> meta.withArray("/ownerReferences").add(ownerReference(in.readByteArray()));
        case 14 -> meta.withArray("/finalizers").add(in.readStringRequireUtf8());
        // selfLink, generation, timestamps and managedFields are the server's to set, not a client's.
        default -> in.skipField(tag);
      }
    }
    return meta;
  }

  private static ObjectNode ownerReference(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    ObjectNode ref = JSON.objectNode();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> ref.put("kind", in.readStringRequireUtf8());
        case 3 -> ref.put("name", in.readStringRequireUtf8());
        case 4 -> ref.put("uid", in.readStringRequireUtf8());
        case 5 -> ref.put("apiVersion", in.readStringRequireUtf8());
        case 6 -> ref.put("controller", in.readBool());
        case 7 -> ref.put("blockOwnerDeletion", in.readBool());
        default -> in.skipField(tag);
      }
    }
    return ref;
  }

  private static ObjectNode objectReference(byte[] bytes) throws IOException {
    return strings(bytes, "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath");
  }

  /** A message of string fields numbered 1, 2, ... in the order given. */
  private static ObjectNode strings(byte[] bytes, String... fields) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    ObjectNode node = JSON.objectNode();
    int tag;
    while ((tag = in.readTag()) != 0) {
      int number = WireFormat.getTagFieldNumber(tag);
      if (number >= 1 && number <= fields.length) {
        node.put(fields[number - 1], in.readStringRequireUtf8());
      } else {
        in.skipField(tag);
      }
    }
    return node;
  }

  /** A map<string, string> entry: key = 1, value = 2. */
  private static void stringEntry(byte[] bytes, ObjectNode into) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String key = "";
    String value = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> key = in.readStringRequireUtf8();
        case 2 -> value = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    into.put(key, value);
  }

  /** A map<string, bytes> entry, the bytes base64 as JSON has them. */
  private static void bytesEntry(byte[] bytes, ObjectNode into) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String key = "";
    byte[] value = new byte[0];
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> key = in.readStringRequireUtf8();
        case 2 -> value = in.readByteArray();
        default -> in.skipField(tag);
      }
    }
    into.put(key, Base64.getEncoder().encodeToString(value));
  }

  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith(MEDIA_TYPE);
  }
}
