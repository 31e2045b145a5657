package io.consortium.operator.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * How the operator's clients read resources: a field or an enum value this version does not know
 * (written by a newer version, or by hand against an API server that neither prunes nor validates,
 * such as the embedded one) is ignored instead of failing. fabric8 fails the whole informer on one such object, and JOSDK then
 * stops the operator: one typo in one resource would stop every controller.
 */
public final class TolerantSerialization {

  private TolerantSerialization() {}

  public static KubernetesSerialization create() {
    return new KubernetesSerialization(new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL), true);
  }
}
