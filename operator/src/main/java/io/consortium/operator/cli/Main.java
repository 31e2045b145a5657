package io.consortium.operator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of {@code consortium-operator.jar}. Every subcommand reports a failure a
 * person can act on as one line on stderr and a non-zero exit code, never a stack trace.
 */
@Command(
    name = "consortium-operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Shares keys, networks, chaincode and config proposals between the organizations"
        + " of a blockchain consortium, each in its own cluster.",
    subcommands = {RunCommand.class, DemoCommand.class, BenchCommand.class, FabricCommand.class, BesuCommand.class})
public final class Main {

  /** Exit code for a failure while running: bad file, unreachable server, occupied port. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code for a command line that cannot be understood (picocli's convention). */
  public static final int EXIT_USAGE = 2;

  /** The JVM's setting for the common ForkJoinPool's size, read once, when the pool is first used. */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    // CompletableFuture's async steps without an executor start a new thread per task when the common
    // pool has fewer than 2 threads, which it has on 2 cores (cores - 1): the API client did so for
    // every response. Set before anything uses the pool; a -D on the command line wins.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    boolean longRunning = args.length > 0 && (args[0].equals("run") || args[0].equals("demo"));
    System.setProperty("consortium.log.target", longRunning ? "System.out" : "System.err");
    if (args.length > 0 && (args[0].equals("demo") || args[0].equals("bench"))
        && System.getenv("CONSORTIUM_LOG_LEVEL") == null) {
      // The demo's story and the bench's table are the output; the operators' own logs would drown them.
      System.setProperty("CONSORTIUM_LOG_LEVEL", "WARN");
    }
    int code = commandLine().execute(args);
    // `run` keeps its own non-daemon threads alive and returns -1 to mean "keep running".
    if (code >= 0) {
      System.exit(code);
    }
  }

  /** The command line with this project's error handling; tests execute it in-process. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + OneLine.describe(ex));
          commandLine.getErr().flush();
          return EXIT_FAILURE;
        });
    cmd.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("error: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
          c.getErr().flush();
          return EXIT_USAGE;
        });
    return cmd;
  }
}
