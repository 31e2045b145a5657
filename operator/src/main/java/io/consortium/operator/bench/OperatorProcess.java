package io.consortium.operator.bench;

import io.consortium.operator.cli.Main;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real operator as a child process of the bench, so that its memory and CPU are its own: the
 * jar (or, from tests and IDEs, the same classes) started with {@code java [options] -jar ... run ...},
 * its health port read from its first lines, Ready polled on {@code /readyz}, RSS and CPU time read
 * from the operating system, the heap read from its own {@code /metrics} after a GC run by {@code jcmd}.
 */
final class OperatorProcess implements AutoCloseable {

  private static final Pattern HEALTH_PORT = Pattern.compile("health on :(\\d+)/healthz");
  private static final int OUTPUT_LINES_KEPT = 200;

  /** How to start the operator: the command before {@code run}, and how to say it in the results. */
  record Launcher(List<String> command, String description) {

    /**
     * Starts {@code jar} when given, else the jar this code was loaded from, else (tests, an IDE)
     * the same classes from this JVM's class path; {@code jvmOptions} go before the jar.
     */
    static Launcher of(Path jar, List<String> jvmOptions) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path own = ownJar();
      Path chosen = jar != null ? jar : own;
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(jvmOptions);
      String options = jvmOptions.isEmpty() ? "" : String.join(" ", jvmOptions) + " ";
      if (chosen != null) {
        command.addAll(List.of("-jar", chosen.toString()));
        return new Launcher(command, "java " + options + "-jar " + chosen);
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
      return new Launcher(command, "java " + options + "-cp <class path> " + Main.class.getName()
          + " (no jar: run from classes)");
    }

    private static Path ownJar() {
      try {
        Path location = Path.of(OperatorProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Files.isRegularFile(location) && location.toString().endsWith(".jar") ? location : null;
      } catch (Exception e) {
        return null;
      }
    }
  }

  /**
   * How long a start may take before the bench gives up on it. Only a guard against a hung child: on a
   * busy machine a JVM start alone takes minutes, and that is a figure to report, not a reason to fail.
   */
  static final Duration START_LIMIT = Duration.ofMinutes(10);

  private final Process process;
  private final long startedAt;
  private final Deque<String> output = new ArrayDeque<>();
  private final CompletableFuture<Integer> healthPort = new CompletableFuture<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private OperatorProcess(Process process, long startedAt) {
    this.process = process;
    this.startedAt = startedAt;
    Thread reader = new Thread(this::readOutput, "bench-child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code launcher} with {@code args} (the {@code run} command and its flags), logging at WARN. */
  static OperatorProcess start(Launcher launcher, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(launcher.command());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CONSORTIUM_LOG_LEVEL", "WARN");
    long start = System.nanoTime();
    return new OperatorProcess(builder.start(), start);
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          output.addLast(line);
          if (output.size() > OUTPUT_LINES_KEPT) {
            output.removeFirst();
          }
        }
        Matcher health = HEALTH_PORT.matcher(line);
        if (health.find()) {
          healthPort.complete(Integer.parseInt(health.group(1)));
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    healthPort.completeExceptionally(new IllegalStateException("it ended before it listened"));
  }

  /** The last lines the operator printed, for an error message. */
  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  long pid() {
    return process.pid();
  }

  /** {@link System#nanoTime()} just before the process was spawned. */
  long startedAt() {
    return startedAt;
  }

  /**
   * Waits for the first 200 of {@code /readyz} (polled every 10 ms); returns its {@link System#nanoTime()}.
   * A start that fails says why: how the process ended (or that it still runs), what {@code /readyz}
   * last answered, and what it printed.
   */
  long awaitReady(Duration timeout) throws Exception {
    int port;
    try {
      port = healthPort.get(timeout.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw notStarted("it printed no health port within " + timeout.toSeconds() + " s (" + exit() + ")");
    } catch (ExecutionException e) {
      throw notStarted(e.getCause().getMessage() + " (" + exit() + ")");
    }
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastAnswer = "no answer yet";
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return System.nanoTime();
        }
        lastAnswer = answer.statusCode() + " " + answer.body().strip();
      } catch (IOException e) {
        lastAnswer = e.toString(); // not listening yet, or too slow to answer
      }
      Thread.sleep(10);
    }
    throw notStarted("it was not Ready within " + timeout.toSeconds() + " s of its start (" + exit()
        + "; /readyz said: " + lastAnswer + ")");
  }

  private IllegalStateException notStarted(String why) {
    return new IllegalStateException("the operator did not start: " + why + "; it printed:\n" + output());
  }

  /** Whether the process still runs, or how it ended. */
  private String exit() {
    try {
      return process.waitFor(1, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "the process is still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** VmRSS: resident memory now, in KiB. */
  long rssKib() throws IOException {
    return procStatus("VmRSS:");
  }

  /** VmHWM: the most resident memory the process had so far, in KiB. */
  long peakRssKib() throws IOException {
    return procStatus("VmHWM:");
  }

  private long procStatus(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
  }

  /** CPU time the process used so far, all threads, user and system. */
  Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
        "this system does not tell the CPU time of process " + process.pid()));
  }

  /** The heap after a full collection: used and committed, in bytes. */
  record Heap(long usedBytes, long committedBytes) {}

  /**
   * Runs a full GC in the operator ({@code jcmd <pid> GC.run}, the JDK's own tool next to this JVM's
   * {@code java}), then reads the heap from the operator's {@code /metrics} (JVM memory by pool).
   */
  Heap heapAfterGc() throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new IllegalStateException(jcmd + " is missing: run the bench on a JDK, not a JRE");
    }
    Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run")
        .redirectErrorStream(true).start();
    String said = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + process.pid() + " GC.run failed: " + said.strip());
    }
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort.get() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return new Heap(heapSum(metrics, "jvm_memory_used_bytes{"), heapSum(metrics, "jvm_memory_committed_bytes{"));
  }

  /** The sum over the heap's pools of one Prometheus gauge: {@code name{area="heap",id="G1 Eden Space",} 1.2E7}. */
  static long heapSum(String metrics, String name) {
    double sum = 0;
    boolean found = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name) && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    if (!found) {
      throw new IllegalStateException("the operator's /metrics has no " + name + "area=\"heap\",...}");
    }
    return (long) sum;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
