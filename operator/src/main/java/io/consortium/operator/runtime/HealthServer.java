package io.consortium.operator.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics}. The probes answer from what the running
 * operator reports (see {@link OperatorRuntime#health()}), not from a flag set by hand.
 */
final class HealthServer implements AutoCloseable {

  /** A probe's answer: healthy or not, and why, for the probe's body and the logs. */
  record Verdict(boolean ok, String detail) {}

  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  static HealthServer start(int port, Supplier<Verdict> liveness, Supplier<Verdict> readiness,
      PrometheusMeterRegistry metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (BindException e) {
      throw new IllegalStateException("cannot listen on health port " + port + ": " + e.getMessage()
          + "; choose another with --health-port");
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the health server on port " + port + ": " + e.getMessage());
    }
    server.createContext("/healthz", exchange -> answer(exchange, liveness.get()));
    server.createContext("/readyz", exchange -> answer(exchange, readiness.get()));
    server.createContext("/metrics", exchange -> {
      byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      send(exchange, 200, body);
    });
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "health-server");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return new HealthServer(server);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, Verdict verdict) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    send(exchange, verdict.ok() ? 200 : 503, ((verdict.ok() ? "ok" : "not ok") + ": " + verdict.detail() + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
