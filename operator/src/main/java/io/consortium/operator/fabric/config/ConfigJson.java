package io.consortium.operator.fabric.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON that Fabric users know from {@code configtxlator proto_decode}: protobuf's JSON mapping
 * with proto field names and default values, plus protolator's decoding of the opaque {@code
 * bytes} fields (envelope payloads and headers, config values by key, policies by type, MSP
 * configs, principals, consensus metadata). Encoding reverses it, so the bytes of a decoded
 * message come back unchanged.
 */
public final class ConfigJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  /**
   * Key added to a decoded part whose bytes do not re-encode identically from its fields (they
   * hold fields unknown to these protos); configtxlator has no such key and drops those fields.
   */
  public static final String ORIGINAL_BYTES = "_original_bytes";

  private ConfigJson() {}

  /** The configtxlator-style JSON text of a message. */
  public static String toJson(Message message) {
    try {
      return MAPPER.writeValueAsString(toTree(message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The configtxlator-style JSON tree of a message. */
  public static ObjectNode toTree(Message message) {
    return decode(message, OpaqueFields.Context.NONE);
  }

  /** Reads configtxlator-style JSON text into a message of the prototype's type. */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T fromJson(String json, T prototype) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
    return (T) fromTree(tree, prototype);
  }

  /** Reads a configtxlator-style JSON tree into a message of the prototype's type. */
  public static Message fromTree(JsonNode tree, Message prototype) {
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException(
          "expected a JSON object for " + prototype.getDescriptorForType().getName());
    }
    return encode((ObjectNode) tree, prototype, OpaqueFields.Context.NONE, "");
  }

  /** An org's config group as JSON ({@code configtxgen -printOrg}): application or orderer org. */
  public static String orgGroupToJson(org.hyperledger.fabric.protos.common.ConfigGroup group, boolean ordererOrg) {
    try {
      return MAPPER.writeValueAsString(decode(group, orgContext(ordererOrg)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads an org group from JSON; an org with an Endpoints value is an orderer org. */
  public static org.hyperledger.fabric.protos.common.ConfigGroup orgGroupFromJson(String json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException("an org definition must be a JSON object");
    }
    boolean orderer = tree.path("values").has("Endpoints");
    return (org.hyperledger.fabric.protos.common.ConfigGroup) encode((ObjectNode) tree,
        org.hyperledger.fabric.protos.common.ConfigGroup.getDefaultInstance(), orgContext(orderer), "");
  }

  private static OpaqueFields.Context orgContext(boolean ordererOrg) {
    return new OpaqueFields.Context(
        ordererOrg ? OpaqueFields.GroupKind.ORDERER_ORG : OpaqueFields.GroupKind.APPLICATION_ORG, null);
  }

  static ObjectMapper mapper() {
    return MAPPER;
  }

  // ---- decoding: message -> tree ----

  private static ObjectNode decode(Message message, OpaqueFields.Context context) {
    Descriptor type = message.getDescriptorForType();
    // JsonFormat prints the scalar fields; message and opaque fields are printed here, recursively.
    Message.Builder scalarsOnly = message.toBuilder();
    for (FieldDescriptor field : type.getFields()) {
      if (handledHere(message, field, context)) {
        scalarsOnly.clearField(field);
      }
    }
    ObjectNode scalars = parseTree(print(scalarsOnly.build()));
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (FieldDescriptor field : type.getFields()) {
      String name = field.getName();
      if (!handledHere(message, field, context)) {
        if (scalars.has(name)) {
          out.set(name, scalars.get(name));
        }
        continue;
      }
      if (field.getRealContainingOneof() != null && !message.hasField(field)) {
        continue;
      }
      OpaqueFields.Opaque opaque = OpaqueFields.opaque(message, field, context);
      if (opaque != null) {
        out.set(name, decodeOpaque(message, field, opaque));
      } else if (field.isMapField()) {
        out.set(name, decodeMap(message, field, context));
      } else if (field.isRepeated()) {
        ArrayNode array = out.putArray(name);
        for (Object element : (List<?>) message.getField(field)) {
          array.add(decode((Message) element, OpaqueFields.childContext(message, field, null, context)));
        }
      } else if (message.hasField(field)) {
        out.set(name, decode((Message) message.getField(field), OpaqueFields.childContext(message, field, null, context)));
      } else {
        out.set(name, NullNode.instance);
      }
    }
    return out;
  }

  private static JsonNode decodeOpaque(Message message, FieldDescriptor field, OpaqueFields.Opaque opaque) {
    if (field.isRepeated()) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      for (Object element : (List<?>) message.getField(field)) {
        array.add(decodeBytes((ByteString) element, opaque, field));
      }
      return array;
    }
    return decodeBytes((ByteString) message.getField(field), opaque, field);
  }

  private static JsonNode decodeBytes(ByteString bytes, OpaqueFields.Opaque opaque, FieldDescriptor field) {
    if (bytes.isEmpty()) {
      // protolator leaves nil bytes undecoded: they print as null.
      return NullNode.instance;
    }
    if (opaque.prototype() == null) {
      return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
    Message inner;
    try {
      inner = opaque.prototype().getParserForType().parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "field " + field.getFullName() + " does not hold a " + opaque.prototype().getDescriptorForType().getName()
              + ": " + e.getMessage());
    }
    ObjectNode tree = decode(inner, opaque.context());
    if (!withoutUnknownFields(inner).toByteString().equals(bytes)) {
      // Fields these protos do not know (etcdraft's old numeric tick_interval, say) would be lost
      // and the rest re-ordered: keep the exact bytes so that an unedited part encodes back as it was.
      tree.put(ORIGINAL_BYTES, Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
    return tree;
  }

  private static ObjectNode decodeMap(Message message, FieldDescriptor field, OpaqueFields.Context context) {
    ObjectNode map = JsonNodeFactory.instance.objectNode();
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (Object entry : (List<?>) message.getField(field)) {
      Message e = (Message) entry;
      String key = String.valueOf(e.getField(keyField));
      Message value = (Message) e.getField(valueField);
      map.set(key, decode(value, OpaqueFields.childContext(message, field, key, context)));
    }
    return map;
  }

  /** Fields this class prints itself: nested messages (other than well-known types) and opaque bytes. */
  private static boolean handledHere(Message message, FieldDescriptor field, OpaqueFields.Context context) {
    if (OpaqueFields.opaque(message, field, context) != null) {
      return true;
    }
    return isNestedMessage(field);
  }

  private static String print(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getName(), e);
    }
  }

  private static ObjectNode parseTree(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("protobuf printed invalid JSON", e);
    }
  }

  // ---- encoding: tree -> message ----

  private static Message encode(ObjectNode tree, Message prototype, OpaqueFields.Context context, String path) {
    Descriptor type = prototype.getDescriptorForType();
    ObjectNode scalars = tree.deepCopy();
    Message.Builder builder = prototype.newBuilderForType();
    List<FieldDescriptor> opaqueCandidates = new ArrayList<>();
    for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (type.findFieldByName(name) == null
          && type.getFields().stream().noneMatch(f -> f.getJsonName().equals(name))) {
        throw new IllegalArgumentException(
            "unknown field '" + name + "' in " + type.getName() + at(path));
      }
    }
    // First the nested messages, so that the fields which tell an opaque field's type are known.
    for (FieldDescriptor field : type.getFields()) {
      JsonNode node = tree.has(field.getName()) ? tree.get(field.getName()) : tree.get(field.getJsonName());
      if (node == null) {
        continue;
      }
      if (field.getType() == FieldDescriptor.Type.BYTES && mayBeOpaque(type, field)) {
        scalars.remove(field.getName());
        scalars.remove(field.getJsonName());
        opaqueCandidates.add(field);
        continue;
      }
      if (!isNestedMessage(field)) {
        continue;
      }
      scalars.remove(field.getName());
      scalars.remove(field.getJsonName());
      if (node.isNull()) {
        continue;
      }
      String fieldPath = path + "." + field.getName();
      Message fieldPrototype = builder.newBuilderForField(field).getDefaultInstanceForType();
      if (field.isMapField()) {
        encodeMap(builder, field, node, prototype, context, fieldPath);
      } else if (field.isRepeated()) {
        requireArray(node, fieldPath);
        for (JsonNode element : node) {
          builder.addRepeatedField(field,
              encode(requireObject(element, fieldPath), fieldPrototype,
                  OpaqueFields.childContext(prototype, field, null, context), fieldPath));
        }
      } else {
        builder.setField(field,
            encode(requireObject(node, fieldPath), fieldPrototype,
                OpaqueFields.childContext(prototype, field, null, context), fieldPath));
      }
    }
    try {
      PARSER.merge(MAPPER.writeValueAsString(scalars), builder);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalArgumentException(
          "bad " + type.getName() + at(path) + ": " + OneLineMessage.of(e));
    }
    for (FieldDescriptor field : opaqueCandidates) {
      JsonNode node = tree.has(field.getName()) ? tree.get(field.getName()) : tree.get(field.getJsonName());
      String fieldPath = path + "." + field.getName();
      OpaqueFields.Opaque opaque = OpaqueFields.opaque(builder.buildPartial(), field, context);
      if (field.isRepeated()) {
        requireArray(node, fieldPath);
        int i = 0;
        for (JsonNode element : node) {
          builder.addRepeatedField(field, encodeBytes(element, opaque, fieldPath + "[" + i++ + "]"));
        }
      } else if (!node.isNull()) {
        builder.setField(field, encodeBytes(node, opaque, fieldPath));
      }
    }
    return builder.build();
  }

  private static ByteString encodeBytes(JsonNode node, OpaqueFields.Opaque opaque, String path) {
    if (node.isNull()) {
      return ByteString.EMPTY;
    }
    if (node.isTextual()) {
      try {
        return ByteString.copyFrom(Base64.getDecoder().decode(node.asText()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("field " + path + " is neither an object nor base64");
      }
    }
    if (opaque == null || opaque.prototype() == null) {
      throw new IllegalArgumentException(
          "field " + path + " holds an object but its type cannot be told here; give it as base64");
    }
    ObjectNode object = requireObject(node, path);
    JsonNode original = object.get(ORIGINAL_BYTES);
    if (original != null) {
      object = object.deepCopy();
      object.remove(ORIGINAL_BYTES);
    }
    Message encoded = encode(object, opaque.prototype(), opaque.context(), path);
    if (original != null && original.isTextual()) {
      ByteString originalBytes = ByteString.copyFrom(Base64.getDecoder().decode(original.asText()));
      try {
        Message before = opaque.prototype().getParserForType().parseFrom(originalBytes);
        if (withoutUnknownFields(before).equals(encoded)) {
          return originalBytes;
        }
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("field " + path + " has a corrupt " + ORIGINAL_BYTES);
      }
    }
    return encoded.toByteString();
  }

  private static Message withoutUnknownFields(Message message) {
    Message.Builder builder = message.toBuilder();
    builder.setUnknownFields(com.google.protobuf.UnknownFieldSet.getDefaultInstance());
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.isRepeated()) {
        builder.clearField(field);
        for (Object element : (List<?>) e.getValue()) {
          builder.addRepeatedField(field, withoutUnknownFields((Message) element));
        }
      } else {
        builder.setField(field, withoutUnknownFields((Message) e.getValue()));
      }
    }
    return builder.build();
  }

  private static void encodeMap(Message.Builder builder, FieldDescriptor field, JsonNode node,
      Message owner, OpaqueFields.Context context, String path) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("field " + path + " must be a JSON object");
    }
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Message.Builder entry = builder.newBuilderForField(field);
      Message valuePrototype = entry.newBuilderForField(valueField).getDefaultInstanceForType();
      Message value = encode(requireObject(e.getValue(), path + "." + e.getKey()), valuePrototype,
          OpaqueFields.childContext(owner, field, e.getKey(), context), path + "." + e.getKey());
      entry.setField(keyField, mapKey(keyField, e.getKey(), path));
      entry.setField(valueField, value);
      builder.addRepeatedField(field, entry.build());
    }
  }

  private static Object mapKey(FieldDescriptor keyField, String key, String path) {
    try {
      return switch (keyField.getJavaType()) {
        case STRING -> key;
        case INT -> Integer.parseInt(key);
        case LONG -> Long.parseLong(key);
        case BOOLEAN -> Boolean.parseBoolean(key);
        default -> throw new IllegalArgumentException("unsupported map key type at " + path);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("map key '" + key + "' at " + path + " is not a number");
    }
  }

  private static boolean isNestedMessage(FieldDescriptor field) {
    if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      return false;
    }
    if (field.isMapField()) {
      FieldDescriptor value = field.getMessageType().findFieldByName("value");
      return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !value.getMessageType().getFile().getPackage().equals("google.protobuf");
    }
    return !field.getMessageType().getFile().getPackage().equals("google.protobuf");
  }

  private static boolean mayBeOpaque(Descriptor type, FieldDescriptor field) {
    return OpaqueFields.isOpaqueField(type, field);
  }

  private static ObjectNode requireObject(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("field " + path + " must be a JSON object");
    }
    return (ObjectNode) node;
  }

  private static void requireArray(JsonNode node, String path) {
    if (!node.isArray()) {
      throw new IllegalArgumentException("field " + path + " must be a JSON array");
    }
  }

  private static String at(String path) {
    return path.isEmpty() ? "" : " at " + path.substring(1);
  }

  /** The first line of an exception's message. */
  static final class OneLineMessage {
    private OneLineMessage() {}

    static String of(Exception e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return m.replaceAll("\\s*\\R\\s*", " ").strip();
    }
  }
}
