package io.consortium.operator.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This instance's identity as it changes over time: the key and certificate the link uses now,
 * and, during a key rollover, the next key that peers are told about. The certificate is swapped
 * on renewal (same key, same instance ID); the key is swapped when the old one is retired.
 */
public final class LocalIdentity implements Supplier<InstanceIdentity> {

  /**
   * A key rollover under way: peers are told of {@code next}; the old key stays on the wire until
   * every peer acknowledged or {@code retiresBy} passed.
   */
  public record Rollover(InstanceIdentity next, Instant startedAt, Instant retiresBy) {}

  private volatile InstanceIdentity current;
  private volatile Rollover rollover;

  public LocalIdentity(InstanceIdentity current, Rollover rollover) {
    this.current = current;
    this.rollover = rollover;
  }

  /** The key and certificate new links are made with. */
  @Override
  public InstanceIdentity get() {
    return current;
  }

  public String instanceId() {
    return current.instanceId();
  }

  public Optional<Rollover> rollover() {
    return Optional.ofNullable(rollover);
  }

  /** A renewed certificate over the key in use (the instance ID does not change). */
  public synchronized void renewed(InstanceIdentity renewed) {
    if (!renewed.instanceId().equals(current.instanceId())) {
      throw new IllegalArgumentException("a renewal keeps the key; " + renewed.instanceId() + " is another key");
    }
    current = renewed;
  }

  public synchronized void rolloverStarted(Rollover started) {
    rollover = started;
  }

  /** The old key is retired: the next one is now the instance's key. */
  public synchronized InstanceIdentity retireOldKey() {
    if (rollover == null) {
      return current;
    }
    current = rollover.next();
    rollover = null;
    return current;
  }

  /** Takes over what another replica wrote into the identity Secret. */
  public synchronized void adopt(InstanceIdentity stored, Rollover storedRollover) {
    current = stored;
    rollover = storedRollover;
  }
}
