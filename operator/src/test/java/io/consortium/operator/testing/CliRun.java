package io.consortium.operator.testing;

import io.consortium.operator.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code consortium-operator} in-process, as a person would run the jar, and keeps what it printed. */
public final class CliRun {

  /** What a command printed and its exit code. */
  public record Run(int code, String out, String err) {}

  private CliRun() {}

  public static Run run(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
