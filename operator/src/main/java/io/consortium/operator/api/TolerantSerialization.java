package io.consortium.operator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;

/**
 * How the operator's clients read resources: a field or an enum value this version does not know
 * (written by a newer version, or by hand against an API server that neither prunes nor validates,
 * such as the embedded one) is ignored instead of failing, and so is a value of the wrong type or
 * size in a spec (the spec is then read as empty). fabric8 fails the whole informer on one such
 * object, and JOSDK then stops the operator: one typo in one resource would stop every controller.
 *
 * <p>What the model could not hold is not lost: the spec as stored is kept in {@link StoredSpecs},
 * where the operator's validation finds it and refuses the resource as InvalidSpec, naming the field.
 */
public final class TolerantSerialization {

  private TolerantSerialization() {}

  public static KubernetesSerialization create() {
    ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addHandler(new NoteRejectedValues())
        .registerModule(new SimpleModule("consortium-stored-specs").setDeserializerModifier(new KeepStoredSpecs()));
    return new KubernetesSerialization(mapper, true);
  }

  /** Set while one of our resources is read: whether a value of it was dropped. */
  private static final class Rejections {
    boolean any;
  }

  private static final Object REJECTIONS = Rejections.class;

  /** An unknown enum value (string, number or other shape) becomes null, and is noted. */
  private static final class NoteRejectedValues extends DeserializationProblemHandler {
    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
      return targetType.isEnum() ? rejected(ctxt) : NOT_HANDLED;
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
      return targetType.isEnum() ? rejected(ctxt) : NOT_HANDLED;
    }

    private static Object rejected(DeserializationContext ctxt) {
      if (ctxt.getAttribute(REJECTIONS) instanceof Rejections r) {
        r.any = true;
      }
      return null;
    }
  }

  private static final class KeepStoredSpecs extends BeanDeserializerModifier {
    @Override
    public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription beanDesc,
        JsonDeserializer<?> deserializer) {
      Class<?> type = beanDesc.getBeanClass();
      boolean ours = HasMetadata.class.isAssignableFrom(type) && type.getPackageName().startsWith("io.consortium.");
      return ours ? new ReadsWhatItCan(deserializer) : deserializer;
    }
  }

  /** Reads one of our resources from a copy of its JSON, so that what the model drops can be kept. */
  private static final class ReadsWhatItCan extends DelegatingDeserializer {

    ReadsWhatItCan(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new ReadsWhatItCan(newDelegatee);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      TokenBuffer copy = ctxt.bufferAsCopyOfValue(p);
      Object outer = ctxt.getAttribute(REJECTIONS);
      Rejections rejections = new Rejections();
      ctxt.setAttribute(REJECTIONS, rejections);
      try {
        HasMetadata resource;
        try (JsonParser replay = copy.asParserOnFirstToken()) {
          resource = (HasMetadata) _delegatee.deserialize(replay, ctxt);
        } catch (JsonProcessingException e) {
          // A spec value of the wrong type or size: read the rest, with an empty spec.
          ObjectNode tree = tree(copy, ctxt);
          JsonNode spec = tree.remove("spec");
          tree.putObject("spec");
          try (JsonParser rest = tree.traverse(p.getCodec())) {
            rest.nextToken();
            resource = (HasMetadata) _delegatee.deserialize(rest, ctxt);
          }
          StoredSpecs.keep(resource, spec);
          return resource;
        }
        if (rejections.any) {
          StoredSpecs.keep(resource, tree(copy, ctxt).path("spec"));
        } else {
          StoredSpecs.heldEntirely(resource);
        }
        return resource;
      } finally {
        ctxt.setAttribute(REJECTIONS, outer);
      }
    }

    private static ObjectNode tree(TokenBuffer copy, DeserializationContext ctxt) throws IOException {
      try (JsonParser replay = copy.asParserOnFirstToken()) {
        return (ObjectNode) ctxt.readTree(replay);
      }
    }
  }
}
