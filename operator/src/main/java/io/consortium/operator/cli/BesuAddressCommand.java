package io.consortium.operator.cli;

import io.consortium.operator.besu.NodeIdentity;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code besu address}: a node's validator address and enode ID from its public key. */
@Command(
    name = "address",
    mixinStandardHelpOptions = true,
    description = {
      "Print a node's address and enode ID.",
      "The address (0x, lowercase) is on the first line, the enode ID (128 hex) on the second;",
      "from the public key, or from the Besu key file (only the public key derived is used)."
    })
public final class BesuAddressCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = false, multiplicity = "1")
  BesuKeySource key;

  @Override
  public Integer call() throws Exception {
    NodeIdentity node = key.identity();
    PrintWriter out = spec.commandLine().getOut();
    out.println(node.address());
    out.println(node.enodeId());
    out.flush();
    return 0;
  }
}
