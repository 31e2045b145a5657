package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.cli.Main;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator on its own: the real jar started as a child process with {@code run --embedded}
 * (its own API server in the same process, as in the README), timed from process start to the
 * first 200 of {@code /readyz}, and its resident memory read from {@code /proc/<pid>/status}
 * once it has settled.
 */
final class IdleFootprint {

  private static final Pattern HEALTH_PORT = Pattern.compile("health on :(\\d+)/healthz");
  /**
   * How long a start may take before the bench gives up on it. Only a guard against a hung child: on a
   * busy machine a JVM start alone takes minutes, and that is a figure to report, not a reason to fail.
   */
  static final Duration START_LIMIT = Duration.ofMinutes(10);

  private final List<String> launcher;
  private final String launcherDescription;
  private final Duration settle;
  private final int runs;

  private IdleFootprint(List<String> launcher, String launcherDescription, Duration settle, int runs) {
    this.launcher = launcher;
    this.launcherDescription = launcherDescription;
    this.settle = settle;
    this.runs = runs;
  }

  /**
   * Starts {@code jar} when given, else the jar this code was loaded from, else (tests, an IDE)
   * the same classes from this JVM's class path.
   */
  static IdleFootprint of(Path jar, Duration settle, int runs) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path own = ownJar();
    Path chosen = jar != null ? jar : own;
    if (chosen != null) {
      return new IdleFootprint(List.of(java, "-jar", chosen.toString()), "java -jar " + chosen, settle, runs);
    }
    return new IdleFootprint(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()),
        "java -cp <class path> " + Main.class.getName() + " (no jar: run from classes)", settle, runs);
  }

  private static Path ownJar() {
    try {
      Path location = Path.of(IdleFootprint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(location) && location.toString().endsWith(".jar") ? location : null;
    } catch (Exception e) {
      return null;
    }
  }

  ObjectNode run() throws Exception {
    List<Long> readyMillis = new ArrayList<>();
    List<Long> rssKib = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Sample sample = once();
      readyMillis.add(sample.readyMillis());
      rssKib.add(sample.rssKib());
    }
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    node.put("measured", "the operator as a child process: " + launcherDescription + " run --embedded"
        + " (its own API server in process), JVM defaults; start = just before the process is spawned,"
        + " Ready = first HTTP 200 from /readyz (polled every 10 ms); RSS = VmRSS from /proc/<pid>/status "
        + settle.toSeconds() + " s after Ready, with no pairings or shares (the API server held only the CRDs,"
        + " the identity Secret and ConfigMap, the lease)");
    node.put("runs", runs);
    node.put("startToReadyMs", median(readyMillis));
    node.put("idleRssMiB", median(rssKib) / 1024);
    node.put("startToReadyMsRuns", readyMillis.toString());
    node.put("idleRssMiBRuns", rssKib.stream().map(k -> k / 1024).toList().toString());
    return node;
  }

  private record Sample(long readyMillis, long rssKib) {}

  private Sample once() throws Exception {
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of("run", "--embedded", "--health-port", "0", "--mesh-port", "0",
        "--mesh-bind-address", "127.0.0.1", "--namespace", "bench"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CONSORTIUM_LOG_LEVEL", "WARN");
    long start = System.nanoTime();
    Process process = builder.start();
    CompletableFuture<Integer> healthPort = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          Matcher m = HEALTH_PORT.matcher(line);
          if (m.find()) {
            healthPort.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      healthPort.completeExceptionally(new IllegalStateException("it ended before it listened (" + exit(process) + ")"));
    }, "bench-child-output");
    reader.setDaemon(true);
    reader.start();
    try {
      int port;
      try {
        port = healthPort.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw notStarted("it printed no health port within " + START_LIMIT.toSeconds() + " s (" + exit(process) + ")",
            output);
      } catch (ExecutionException e) {
        throw notStarted(e.getCause().getMessage(), output);
      }
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + START_LIMIT.toNanos();
      long readyAt = 0;
      String lastAnswer = "no answer yet";
      while (System.nanoTime() < deadline && process.isAlive()) {
        try {
          HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() == 200) {
            readyAt = System.nanoTime();
            break;
          }
          lastAnswer = answer.statusCode() + " " + answer.body().strip();
        } catch (IOException e) {
          lastAnswer = e.toString(); // not listening yet, or too slow to answer
        }
        Thread.sleep(10);
      }
      if (readyAt == 0) {
        throw notStarted("it was not Ready within " + START_LIMIT.toSeconds() + " s of its start (" + exit(process)
            + "; /readyz said: " + lastAnswer + ")", output);
      }
      Thread.sleep(settle.toMillis());
      return new Sample((readyAt - start) / 1_000_000, rssKib(process.pid()));
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static IllegalStateException notStarted(String why, StringBuilder output) {
    synchronized (output) {
      return new IllegalStateException("the operator did not start: " + why + "; it printed:\n" + output);
    }
  }

  /** Whether the process still runs, or how it ended. */
  private static String exit(Process process) {
    try {
      return process.waitFor(1, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "the process is still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
