package io.consortium.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.testing.Org;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two people on one machine each type {@code run --embedded} with no port flag: both start, on ports of
 * their own, and say which. Each is its own JVM, as it would be.
 */
class RunEmbeddedSideBySideTest {

  private static final Pattern PORTS = Pattern.compile("Ports: embedded API (\\d+), peer link (\\d+), health (\\d+)");

  @TempDir Path workdir;
  final List<Process> started = new ArrayList<>();

  @Test
  void two_embedded_instances_without_port_flags_start_side_by_side() throws Exception {
    Instance org1 = launch("org1");
    Instance org2 = launch("org2");

    org1.awaitRunning();
    org2.awaitRunning();

    assertThat(org1.ports()).doesNotContainAnyElementsOf(org2.ports());
    assertThat(org1.ports()).doesNotContain("8080", "8443");
    assertThat(org1.output()).contains("keeps everything in memory").contains("--data-dir");
    assertThat(Files.readString(workdir.resolve("org2.kubeconfig"))).contains("127.0.0.1:" + org2.ports().get(0));
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : started) {
      process.destroy();
    }
    for (Process process : started) {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  Instance launch(String name) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.consortium.operator.cli.Main", "run", "--embedded", "--namespace", name,
        "--kubeconfig-out", workdir.resolve(name + ".kubeconfig").toString())
        .redirectErrorStream(true).start();
    started.add(process);
    Instance instance = new Instance(name, process);
    Thread reader = new Thread(instance::read, name + "-output");
    reader.setDaemon(true);
    reader.start();
    return instance;
  }

  static final class Instance {
    private final String name;
    private final Process process;
    private final StringBuffer output = new StringBuffer();

    Instance(String name, Process process) {
      this.name = name;
      this.process = process;
    }

    void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          output.append(line).append('\n');
        }
      } catch (IOException e) {
        output.append("(output ended: ").append(e.getMessage()).append(")\n");
      }
    }

    void awaitRunning() {
      Org.await(name + " to run (output so far:\n" + output + ")", Duration.ofSeconds(120),
          () -> output.indexOf("consortium-operator is running") >= 0 || !process.isAlive());
      assertThat(process.isAlive()).as(name + " is running; it printed:\n" + output).isTrue();
    }

    List<String> ports() {
      Matcher m = PORTS.matcher(output);
      assertThat(m.find()).as(name + " printed its ports:\n" + output).isTrue();
      return List.of(m.group(1), m.group(2), m.group(3));
    }

    String output() {
      return output.toString();
    }
  }
}
