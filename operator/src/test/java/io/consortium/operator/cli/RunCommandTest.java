package io.consortium.operator.cli;

import static io.consortium.operator.testing.CliRun.run;

import io.consortium.operator.testing.CliRun.Run;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person sees when {@code run} cannot start: one line on stderr, a non-zero exit, no stack trace. */
class RunCommandTest {

  @TempDir Path workdir;


  @Test
  void an_unknown_flag_is_one_line_and_exit_code_2() {
    Run outcome = run("run", "--meshport", "9000");

    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err().lines()).singleElement().asString()
        .startsWith("error: Unknown option").contains("'--meshport'").contains("--help");
  }

  @Test
  void an_unreadable_kubeconfig_is_one_line_and_exit_code_1() {
    Run outcome = run("run", "--kubeconfig", workdir.resolve("missing.kubeconfig").toString());

    assertThat(outcome.code()).isEqualTo(1);
    assertThat(outcome.err().lines()).singleElement().asString()
        .contains("cannot read kubeconfig").contains("missing.kubeconfig").doesNotContain("Exception");
  }

  @Test
  void an_occupied_mesh_port_is_one_line_and_exit_code_1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run outcome = run("run", "--embedded", "--health-port", "0", "--mesh-bind-address", "127.0.0.1",
          "--mesh-port", String.valueOf(taken.getLocalPort()));

      assertThat(outcome.code()).isEqualTo(1);
      assertThat(outcome.err().lines()).singleElement().asString()
          .contains("cannot listen on mesh port " + taken.getLocalPort())
          .contains("--mesh-port")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void an_occupied_health_port_fails_before_the_api_server_starts_and_before_any_kubeconfig_is_written()
      throws Exception {
    Path kubeconfig = workdir.resolve("org1.kubeconfig");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run outcome = run("run", "--embedded", "--health-port", String.valueOf(taken.getLocalPort()),
          "--kubeconfig-out", kubeconfig.toString(), "--data-dir", workdir.resolve("data").toString());

      assertThat(outcome.code()).isEqualTo(1);
      assertThat(outcome.err().lines()).singleElement().asString()
          .contains("cannot listen on health port " + taken.getLocalPort()).contains("--health-port");
      assertThat(kubeconfig).as("no kubeconfig for a server that never ran").doesNotExist();
      assertThat(workdir.resolve("data").resolve("objects.json")).as("nor a store").doesNotExist();
    }
  }

  @Test
  void an_occupied_embedded_port_names_its_flag_and_writes_no_kubeconfig() throws Exception {
    Path kubeconfig = workdir.resolve("org1.kubeconfig");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run outcome = run("run", "--embedded", "--embedded-port", String.valueOf(taken.getLocalPort()),
          "--kubeconfig-out", kubeconfig.toString());

      assertThat(outcome.code()).isEqualTo(1);
      assertThat(outcome.err().lines()).singleElement().asString()
          .contains("embedded API server on port " + taken.getLocalPort()).contains("--embedded-port");
      assertThat(kubeconfig).doesNotExist();
    }
  }

  @Test
  void data_dir_without_embedded_is_refused() {
    Run outcome = run("run", "--data-dir", workdir.resolve("data").toString());

    assertThat(outcome.code()).isEqualTo(1);
    assertThat(outcome.err().lines()).singleElement().asString().contains("--data-dir only goes with --embedded");
  }

  @Test
  void run_help_says_the_embedded_server_keeps_everything_in_memory_unless_given_a_data_dir() {
    Run outcome = run("run", "--help");

    assertThat(outcome.code()).isZero();
    assertThat(outcome.out().replaceAll("\\s+", " ")).contains("--data-dir")
        .contains("everything is in memory and a restart starts empty")
        .contains("ports not given are chosen free and printed");
  }

  @Test
  void a_bad_size_names_the_flag() {
    Run outcome = run("run", "--embedded", "--frame-limit", "huge");

    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err().lines()).singleElement().asString().contains("--frame-limit").contains("64Mi");
  }

  @Test
  void a_bad_revoke_timeout_names_the_flag_and_the_form_it_takes() {
    Run outcome = run("run", "--embedded", "--revoke-timeout", "soon");

    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err().lines()).singleElement().asString().contains("--revoke-timeout").contains("90m");
  }

  @Test
  void a_renewal_window_longer_than_the_certificate_names_both_flags() {
    Run outcome = run("run", "--embedded", "--cert-validity", "48h", "--cert-renew-before", "72h");

    assertThat(outcome.code()).isEqualTo(1);
    assertThat(outcome.err().lines()).singleElement().asString()
        .contains("--cert-renew-before").contains("--cert-validity");
  }

  @Test
  void a_spool_cap_below_the_largest_share_names_both_flags() {
    Run outcome = run("run", "--embedded", "--max-share-size", "64Mi", "--max-spooled-per-link", "16Mi");

    assertThat(outcome.code()).isEqualTo(1);
    assertThat(outcome.err().lines()).singleElement().asString()
        .contains("--max-spooled-per-link").contains("--max-share-size");
  }

  @Test
  void a_per_address_cap_above_the_overall_one_names_both_flags() {
    Run outcome = run("run", "--embedded", "--mesh-max-pending", "8", "--mesh-max-pending-per-address", "16");

    assertThat(outcome.code()).isEqualTo(1);
    assertThat(outcome.err().lines()).singleElement().asString()
        .contains("--mesh-max-pending-per-address").contains("--mesh-max-pending (8)");
  }

  @Test
  void a_zero_hello_timeout_names_the_flag() {
    Run outcome = run("run", "--embedded", "--mesh-hello-timeout", "0s");

    assertThat(outcome.code()).isEqualTo(1);
    assertThat(outcome.err().lines()).singleElement().asString().contains("--mesh-hello-timeout");
  }

  @Test
  void a_bad_duration_names_the_flag() {
    Run outcome = run("run", "--embedded", "--key-rollover-grace", "a week");

    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err().lines()).singleElement().asString().contains("--key-rollover-grace");
  }

  @Test
  void kubeconfig_out_without_embedded_is_refused() {
    Run outcome = run("run", "--kubeconfig-out", workdir.resolve("k").toString());

    assertThat(outcome.code()).isEqualTo(1);
    assertThat(outcome.err().lines()).singleElement().asString().contains("--kubeconfig-out only goes with --embedded");
  }
}
