package io.consortium.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/** A resource of one of the four share kinds. Code that serves every kind works on this type. */
public abstract class Share<S extends ShareSpec, T extends ShareStatus> extends CustomResource<S, T>
    implements Namespaced {

  /** Group of every kind of this operator. */
  public static final String GROUP = "consortium.io";
  /** Version of the model. */
  public static final String VERSION = "v1alpha1";
}
