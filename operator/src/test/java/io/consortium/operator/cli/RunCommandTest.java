package io.consortium.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a person sees when {@code run} cannot start: one line on stderr, a non-zero exit, no stack trace. */
class RunCommandTest {

  @TempDir Path workdir;

  record Outcome(int exitCode, String stdout, String stderr) {}

  static Outcome execute(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void an_unknown_flag_is_one_line_and_exit_code_2() {
    Outcome outcome = execute("run", "--meshport", "9000");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.stderr().lines()).singleElement().asString()
        .startsWith("error: Unknown option").contains("'--meshport'").contains("--help");
  }

  @Test
  void an_unreadable_kubeconfig_is_one_line_and_exit_code_1() {
    Outcome outcome = execute("run", "--kubeconfig", workdir.resolve("missing.kubeconfig").toString());

    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.stderr().lines()).singleElement().asString()
        .contains("cannot read kubeconfig").contains("missing.kubeconfig").doesNotContain("Exception");
  }

  @Test
  void an_occupied_mesh_port_is_one_line_and_exit_code_1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Outcome outcome = execute("run", "--embedded", "--health-port", "0", "--mesh-bind-address", "127.0.0.1",
          "--mesh-port", String.valueOf(taken.getLocalPort()));

      assertThat(outcome.exitCode()).isEqualTo(1);
      assertThat(outcome.stderr().lines()).singleElement().asString()
          .contains("cannot listen on mesh port " + taken.getLocalPort())
          .contains("--mesh-port")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void a_bad_size_names_the_flag() {
    Outcome outcome = execute("run", "--embedded", "--frame-limit", "huge");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.stderr().lines()).singleElement().asString().contains("--frame-limit").contains("64Mi");
  }

  @Test
  void kubeconfig_out_without_embedded_is_refused() {
    Outcome outcome = execute("run", "--kubeconfig-out", workdir.resolve("k").toString());

    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.stderr().lines()).singleElement().asString().contains("--kubeconfig-out only goes with --embedded");
  }
}
