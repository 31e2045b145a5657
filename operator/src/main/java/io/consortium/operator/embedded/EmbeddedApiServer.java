package io.consortium.operator.embedded;

import io.consortium.operator.api.Kinds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.consortium.operator.api.TolerantSerialization;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An API server in this process: the fabric8 mock server in CRUD mode behind a front that answers what
 * kubectl asks (discovery, OpenAPI, protobuf bodies, tables), with the operator's CRDs installed. For
 * trying the operator, and for tests, where no cluster is at hand. It checks object names, labels and
 * annotations as a real server does (see {@link ObjectNames}), and custom resources against their CRD's
 * schema and CEL rules, transition rules included (see {@link CustomResourceRules}).
 * It keeps its objects in memory, or with a {@link DataDirectory} also on disk, across restarts.
 */
public final class EmbeddedApiServer implements AutoCloseable {

  private final KubernetesMockServer server;
  private final MockWebServer http;
  private final Thread drainer;
  private final RequestCounter requests;
  private final EmbeddedStore store;
  private final DataDirectory data;

  /** The mock server logs every request through java.util.logging at INFO; keep a reference so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private EmbeddedApiServer(KubernetesMockServer server, MockWebServer http, RequestCounter requests,
      EmbeddedStore store, DataDirectory data) {
    this.server = server;
    this.http = http;
    this.requests = requests;
    this.store = store;
    this.data = data;
    // The mock server records every request; a long-running instance would grow without bound.
    this.drainer = new Thread(this::drainRecordedRequests, "embedded-api-drain");
    this.drainer.setDaemon(true);
  }

  /** Starts a server on loopback ({@code port} 0 picks a free one) with the operator's CRDs installed, in memory. */
  public static EmbeddedApiServer start(int port) {
    return start(port, null);
  }

  /**
   * As {@link #start(int)}, but custom resources are stored without their CRD's schema and CEL rules
   * being checked: as on a cluster whose CRDs predate this version's rules (an upgrade under way),
   * where the operator's own checks (InvalidSpec) are what stands between a bad resource and its work.
   */
  public static EmbeddedApiServer startWithoutCrdRules(int port) {
    return start(port, null, false);
  }

  /**
   * Starts a server on loopback ({@code port} 0 picks a free one) with the operator's CRDs installed. With
   * {@code data}, the objects kept there are served again and every change is kept there; the server owns
   * {@code data} from here on and closes it.
   */
  public static EmbeddedApiServer start(int port, DataDirectory data) {
    return start(port, data, true);
  }

  private static EmbeddedApiServer start(int port, DataDirectory data, boolean crdRules) {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    EmbeddedStore store;
    try {
      store = new EmbeddedStore(List.of(new ObjectNames()), crdRules, data);
    } catch (RuntimeException e) {
      if (data != null) {
        data.close();
      }
      throw e;
    }
    MockWebServer http = new MockWebServer();
    RequestCounter requests = new RequestCounter();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), http, new HashMap<>(),
        new DiscoveryFront(store, () -> storedCrds(store), requests), false);
    try {
      server.init(InetAddress.getLoopbackAddress(), port);
    } catch (RuntimeException e) {
      if (data != null) {
        data.close();
      }
      throw new IllegalStateException("cannot start the embedded API server on port " + port + ": "
          + rootMessage(e) + "; choose another with --embedded-port", e);
    }
    EmbeddedApiServer embedded = new EmbeddedApiServer(server, http, requests, store, data);
    embedded.drainer.start();
    try (KubernetesClient client = embedded.newClient("default")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
          .createOr(NonDeletingOperation::update);
      // The CRDs of this build replace those a data directory kept from an earlier one.
      for (CustomResourceDefinition crd : operatorCrds()) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(NonDeletingOperation::update);
      }
    } catch (RuntimeException e) {
      embedded.close();
      throw e;
    }
    return embedded;
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** The CRDs stored in the server right now, read straight from its store (no HTTP round trip). */
  private static List<CustomResourceDefinition> storedCrds(EmbeddedStore crud) {
    var response = crud.handleGet("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
    if (response.code() != 200) {
      return List.of();
    }
    return Serialization.unmarshal(response.getBody().readUtf8(), CustomResourceDefinitionList.class).getItems();
  }

  /** The CRDs the build generated from the model, read from the class path. */
  public static List<CustomResourceDefinition> operatorCrds() {
    List<CustomResourceDefinition> result = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : Kinds.ALL) {
      String file = "/META-INF/fabric8/" + HasMetadata.getFullResourceName(kind) + "-v1.yml";
      try (InputStream in = EmbeddedApiServer.class.getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException("the CRD " + file + " is missing from the class path: build with mvn package");
        }
        result.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }

  public String url() {
    return "http://127.0.0.1:" + http.getPort();
  }

  /** The requests this server answered so far, by client, verb and resource. */
  public RequestCounter requests() {
    return requests;
  }

  public int port() {
    return http.getPort();
  }

  /** A client of this server whose default namespace is {@code namespace}. */
  public KubernetesClient newClient(String namespace) {
    return new KubernetesClientBuilder().withConfig(clientConfig(namespace))
        .withKubernetesSerialization(TolerantSerialization.create()).build();
  }

  public Config clientConfig(String namespace) {
    Config config = Config.empty();
    config.setMasterUrl(url());
    config.setNamespace(namespace);
    config.setTrustCerts(true);
    config.setHttp2Disable(true);
    config.setRequestTimeout(30_000);
    return config;
  }

  /** Writes a kubeconfig that kubectl can use against this server. */
  public void writeKubeconfig(Path file, String contextName, String namespace) {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: %3$s
        current-context: %1$s
        """.formatted(contextName, url(), namespace);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }

  private void drainRecordedRequests() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        http.takeRequest(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Where this server keeps its objects, or null when it keeps them in memory only. */
  public DataDirectory dataDirectory() {
    return data;
  }

  /** Waits until every change so far is on disk (nothing to wait for in memory). */
  public void flush() {
    store.flush();
  }

  @Override
  public void close() {
    drainer.interrupt();
    server.destroy();
    if (data != null) {
      // Writes what is left; the listener is closed, so nothing changes any more.
      data.close();
    }
  }
}
