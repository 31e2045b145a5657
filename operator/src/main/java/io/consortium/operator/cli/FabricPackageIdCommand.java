package io.consortium.operator.cli;

import io.consortium.operator.fabric.chaincode.ChaincodePackage;
import io.consortium.operator.fabric.chaincode.InvalidChaincodePackageException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fabric package-id FILE}: what {@code peer lifecycle chaincode calculatepackageid} prints. */
@Command(
    name = "package-id",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a chaincode package as Fabric's peer does and prints its package ID, <label>:<sha256 hex>,"
          + " as 'peer lifecycle chaincode calculatepackageid' does.",
      "The file is streamed, never loaded whole."
    })
public final class FabricPackageIdCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the chaincode package (.tar.gz)")
  Path file;

  @Override
  public Integer call() throws Exception {
    ChaincodePackage pkg;
    try {
      pkg = ChaincodePackage.read(file);
    } catch (InvalidChaincodePackageException e) {
      throw new InvalidChaincodePackageException(file + ": " + e.getMessage());
    }
    spec.commandLine().getOut().println(pkg.id());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
