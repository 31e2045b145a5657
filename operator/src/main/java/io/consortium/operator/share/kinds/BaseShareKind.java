package io.consortium.operator.share.kinds;

import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.ShareSpec;
import io.consortium.operator.api.v1alpha1.ShareStatus;
import io.consortium.operator.share.ShareContext;
import io.consortium.operator.share.ShareKind;
import java.time.Clock;
import java.util.function.Supplier;

/** What every kind has the same way: its class, its name (the Kubernetes kind) and how to make its parts. */
abstract class BaseShareKind<R extends Share<S, T>, S extends ShareSpec, T extends ShareStatus>
    implements ShareKind<R, S, T> {

  protected final ShareContext context;
  private final Class<R> type;
  private final Supplier<R> resource;
  private final Supplier<S> spec;
  private final Supplier<T> status;

  BaseShareKind(ShareContext context, Class<R> type, Supplier<R> resource, Supplier<S> spec, Supplier<T> status) {
    this.context = context;
    this.type = type;
    this.resource = resource;
    this.spec = spec;
    this.status = status;
  }

  /** The context's clock; a kind used without a cluster (in a unit test) reads the system's. */
  protected Clock clock() {
    return context == null ? Clock.systemUTC() : context.clock();
  }

  @Override
  public Class<R> type() {
    return type;
  }

  @Override
  public String kind() {
    return type.getSimpleName();
  }

  @Override
  public R newResource() {
    return resource.get();
  }

  @Override
  public S newSpec() {
    return spec.get();
  }

  @Override
  public T newStatus() {
    return status.get();
  }
}
