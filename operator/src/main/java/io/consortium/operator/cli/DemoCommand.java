package io.consortium.operator.cli;

import io.consortium.operator.demo.DemoConsortium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consortium-operator demo}: a whole consortium on one machine, then kubectl against any org. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run a consortium on this machine: each organization an embedded API server with its own operator,",
      "paired over TLS; org1 shares a key, org2 accepts, org3 rejects, org1 revokes. Keeps running for kubectl",
      "until Ctrl-C. Each organization's objects are kept in the work directory (orgN-data): run it again in the",
      "same directory and the consortium comes back as it was, links included."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--orgs", defaultValue = "3", description = "How many organizations (2 to 6). Default: ${DEFAULT-VALUE}.")
  int orgs;

  @Option(names = "--workdir", defaultValue = "consortium-demo",
      description = "Where each organization's kubeconfig and data directory go. Default: ${DEFAULT-VALUE}.")
  Path workdir;

  @Option(names = "--exit", description = "Stop once the story is told instead of running on for kubectl.")
  boolean exit;

  @Override
  public Integer call() throws Exception {
    if (orgs < 2 || orgs > 6) {
      throw new IllegalArgumentException("--orgs must be between 2 and 6, got " + orgs);
    }
    Files.createDirectories(workdir);
    DemoConsortium consortium = new DemoConsortium(System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(consortium::close, "demo-shutdown"));
    try {
      consortium.start(orgs, workdir);
      if (consortium.restored()) {
        System.out.println("Restored the consortium kept in " + workdir + " (the story was told when it was made;"
            + " give an empty --workdir to see it again)");
        consortium.reconnect();
      } else {
        consortium.pairAll();
        consortium.tellTheStory();
      }
    } catch (RuntimeException e) {
      consortium.close();
      throw e;
    }
    System.out.println("The consortium keeps running. Try:");
    System.out.println("  kubectl --kubeconfig " + workdir.resolve("org2.kubeconfig") + " get shares,pairing");
    System.out.println("  kubectl --kubeconfig " + workdir.resolve("org1.kubeconfig") + " describe keyshare org1-admin-cert");
    System.out.println("Stop with Ctrl-C.");
    if (exit) {
      consortium.close();
      return 0;
    }
    return -1;
  }
}
