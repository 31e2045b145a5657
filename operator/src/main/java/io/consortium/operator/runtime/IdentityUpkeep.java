package io.consortium.operator.runtime;

import io.consortium.operator.identity.CertificateRenewal;
import io.consortium.operator.identity.IdentityStore;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.LocalIdentity;
import io.consortium.operator.pairing.LinkIdentity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the instance identity alive over time, on the leader only: renews the certificate
 * {@code --cert-renew-before} its expiry (same key, links stay up), rolls the key when the identity
 * Secret carries {@value IdentityStore#ROLL_KEY_ANNOTATION}, and retires the old key once every peer
 * acknowledged the new one or {@code --key-rollover-grace} passed. It wakes when the Secret changes
 * and when the next of those moments comes, and at least hourly.
 */
final class IdentityUpkeep implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityUpkeep.class);
  private static final Duration AT_LEAST_EVERY = Duration.ofHours(1);

  private final KubernetesClient client;
  private final String namespace;
  private final IdentityStore store;
  private final LocalIdentity identity;
  private final CertificateRenewal renewal;
  private final Duration grace;
  private final String instanceName;
  private final List<String> dnsNames;
  /** The link's side of renewal and rollover: telling peers, hearing their acknowledgements. */
  private final LinkIdentity sessions;
  private final Runnable publish;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "identity-upkeep");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<Secret> watch;
  private ScheduledFuture<?> next;
  private volatile boolean leading;

  IdentityUpkeep(KubernetesClient client, String namespace, IdentityStore store, LocalIdentity identity,
      CertificateRenewal renewal, Duration grace, String instanceName, List<String> dnsNames, LinkIdentity sessions,
      Runnable publish, Clock clock, MeterRegistry metrics) {
    this.client = client;
    this.namespace = namespace;
    this.store = store;
    this.identity = identity;
    this.renewal = renewal;
    this.grace = grace;
    this.instanceName = instanceName;
    this.dnsNames = dnsNames;
    this.sessions = sessions;
    this.publish = publish;
    this.clock = clock;
    Gauge.builder("consortium_instance_certificate_expiry_seconds", identity,
            i -> i.get().certificateNotAfter().getEpochSecond())
        .description("When this instance's certificate expires, in seconds since the epoch").register(metrics);
    Gauge.builder("consortium_instance_certificate_renewal_seconds", identity,
            i -> renewal.renewsAt(i.get().certificate()).getEpochSecond())
        .description("When this instance renews its certificate next, in seconds since the epoch").register(metrics);
    sessions.onPeerFollowedRollover(this::wake);
  }

  /** Watches the identity Secret (a person asks for a key rollover there). */
  void start() {
    watch = client.secrets().inNamespace(namespace)
        .withLabel("app.kubernetes.io/component", "instance-identity")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Secret secret) {
            changed(secret);
          }

          @Override
          public void onUpdate(Secret before, Secret after) {
            changed(after);
          }

          @Override
          public void onDelete(Secret secret, boolean unknownFinalState) {
          }
        });
  }

  private void changed(Secret secret) {
    if (store.secretName().equals(secret.getMetadata().getName())) {
      wake();
    }
  }

  /** Only the leader renews and rolls; a standby takes over what the leader wrote when it leads. */
  void setLeading(boolean leading) {
    this.leading = leading;
    if (leading) {
      wake();
    }
  }

  void wake() {
    if (!timer.isShutdown()) {
      timer.execute(this::check);
    }
  }

  private synchronized void check() {
    try {
      if (!leading) {
        return;
      }
      IdentityStore.Stored stored = store.load();
      adopt(stored);
      Instant now = clock.instant();
      if (stored.rollRequested() && identity.rollover().isEmpty()) {
        startRollover(now);
      }
      LocalIdentity.Rollover rollover = identity.rollover().orElse(null);
      if (rollover != null) {
        boolean followed = sessions.everyPeerFollowed(rollover.next().instanceId());
        if (followed || !now.isBefore(rollover.retiresBy())) {
          retireOldKey(rollover, followed);
        }
      }
      if (renewal.isDue(identity.get().certificate(), now)) {
        renew(now);
      }
      identity.rollover().filter(r -> renewal.isDue(r.next().certificate(), now)).ifPresent(r -> renewNext(r, now));
    } catch (RuntimeException e) {
      LOG.warn("Looking after the instance identity failed (tried again later): {}", e.getMessage(), e);
    } finally {
      scheduleNext();
    }
  }

  /** What another replica (the previous leader) wrote is the truth. */
  private void adopt(IdentityStore.Stored stored) {
    InstanceIdentity current = identity.get();
    String storedNext = stored.rollover() == null ? null : stored.rollover().next().certificateThumbprint();
    String heldNext = identity.rollover().map(r -> r.next().certificateThumbprint()).orElse(null);
    boolean same = stored.current().instanceId().equals(current.instanceId())
        && stored.current().certificateThumbprint().equals(current.certificateThumbprint())
        && java.util.Objects.equals(storedNext, heldNext);
    if (!same) {
      LOG.info("Taking over the instance identity as the identity Secret holds it now ({})",
          stored.current().instanceId());
      identity.adopt(stored.current(), stored.rollover());
      publish.run();
    }
  }

  private void renew(Instant now) {
    InstanceIdentity renewed = renewal.renew(identity.get(), instanceName, dnsNames, now);
    store.saveRenewed(renewed);
    identity.renewed(renewed);
    publish.run();
    LOG.info("Renewed the instance certificate over the same key; it is valid until {}, renewed again at {}",
        renewed.certificateNotAfter(), renewal.renewsAt(renewed.certificate()));
    sessions.certificateRenewed();
  }

  /** A grace period longer than the next key's certificate lasts: that certificate is renewed too. */
  private void renewNext(LocalIdentity.Rollover rollover, Instant now) {
    InstanceIdentity renewed = renewal.renew(rollover.next(), instanceName, dnsNames, now);
    LocalIdentity.Rollover kept = new LocalIdentity.Rollover(renewed, rollover.startedAt(), rollover.retiresBy());
    store.saveNextRenewed(renewed);
    identity.rolloverStarted(kept);
    LOG.info("Renewed the certificate of the next key {} during its rollover; it is valid until {}",
        renewed.instanceId(), renewed.certificateNotAfter());
  }

  private void startRollover(Instant now) {
    Instant rolledAt = now.truncatedTo(ChronoUnit.SECONDS);
    InstanceIdentity next = renewal.nextKey(identity.get(), instanceName, dnsNames, rolledAt);
    LocalIdentity.Rollover rollover = new LocalIdentity.Rollover(next, rolledAt, rolledAt.plus(grace));
    store.saveRolloverStarted(rollover);
    identity.rolloverStarted(rollover);
    publish.run();
    LOG.info("Rolling the instance key from {} to {}: every peer is told; the old key is retired when all"
        + " acknowledged, at the latest at {}", identity.instanceId(), next.instanceId(), rollover.retiresBy());
    sessions.announceRollover();
  }

  private void retireOldKey(LocalIdentity.Rollover rollover, boolean followed) {
    String old = identity.instanceId();
    store.saveOldKeyRetired(rollover.next());
    identity.retireOldKey();
    publish.run();
    LOG.info("Retired the old instance key {} ({}); the instance ID is now {}", old,
        followed ? "every peer follows the new key" : "the grace period is over", rollover.next().instanceId());
    sessions.oldKeyRetired();
  }

  private void scheduleNext() {
    if (timer.isShutdown()) {
      return;
    }
    Instant now = clock.instant();
    Instant at = now.plus(AT_LEAST_EVERY);
    Instant renewAt = renewal.renewsAt(identity.get().certificate());
    if (renewAt.isBefore(at)) {
      at = renewAt;
    }
    LocalIdentity.Rollover rollover = identity.rollover().orElse(null);
    if (rollover != null) {
      for (Instant moment : new Instant[] {rollover.retiresBy(), renewal.renewsAt(rollover.next().certificate())}) {
        if (moment.isBefore(at)) {
          at = moment;
        }
      }
    }
    long delay = Math.max(100, Duration.between(now, at).toMillis());
    if (next != null) {
      next.cancel(false);
    }
    next = timer.schedule(this::check, delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    timer.shutdownNow();
  }
}
