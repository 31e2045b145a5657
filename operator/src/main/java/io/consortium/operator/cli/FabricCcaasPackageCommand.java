package io.consortium.operator.cli;

import io.consortium.operator.fabric.chaincode.CcaasConnection;
import io.consortium.operator.fabric.chaincode.CcaasPackage;
import io.consortium.operator.fabric.chaincode.PackageLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fabric ccaas-package}: builds a chaincode-as-a-service package whose bytes depend only on
 * the options, so every org that runs it with the same options gets the same package ID.
 */
@Command(
    name = "ccaas-package",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a chaincode-as-a-service install package deterministically (same options, same bytes,"
          + " same package ID on any machine) and prints its package ID.",
      "Values may be Fabric CCaaS builder templates such as {{.peername}}. A private key is never put"
          + " into the package."
    })
public final class FabricCcaasPackageCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--label", required = true, description = "package label, e.g. basic_1.0")
  String label;

  @Option(names = "--address", required = true, paramLabel = "HOST:PORT",
      description = "address the peers dial, e.g. basic-cc:9999 or {{.peername}}_basic:9999")
  String address;

  @Option(names = "--dial-timeout", paramLabel = "D", defaultValue = CcaasConnection.DEFAULT_DIAL_TIMEOUT,
      description = "Go duration the peer waits when dialling (default: ${DEFAULT-VALUE})")
  String dialTimeout;

  @Option(names = "--tls-required", description = "the chaincode server speaks TLS")
  boolean tlsRequired;

  @Option(names = "--client-auth-required", description = "the chaincode server requires a TLS client certificate")
  boolean clientAuthRequired;

  @Option(names = "--root-cert", paramLabel = "FILE", description = "PEM of the CA that issued the chaincode server's TLS certificate")
  Path rootCert;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "where to write the package (.tar.gz)")
  Path output;

  @Override
  public Integer call() throws Exception {
    String rootCertPem = rootCert == null ? "" : Files.readString(rootCert);
    CcaasPackage pkg = CcaasPackage.build(
        new PackageLabel(label),
        new CcaasConnection(address, dialTimeout, tlsRequired, clientAuthRequired, rootCertPem, "", ""));
    Path absolute = output.toAbsolutePath();
    // Written beside the target and moved into place, so a reader never sees half a package; created
    // with the default permissions (umask), as the package is meant to be shared.
    Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.write(temp, pkg.bytes(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    spec.commandLine().getOut().println(pkg.id());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
