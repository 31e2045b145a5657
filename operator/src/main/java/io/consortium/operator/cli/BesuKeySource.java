package io.consortium.operator.cli;

import io.consortium.operator.besu.NodeIdentity;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** One node's key, given as its public key or as the node's key file (read locally only). */
final class BesuKeySource {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Choice choice;

  static final class Choice {
    @Option(names = "--public-key", paramLabel = "HEX",
        description = "The node's secp256k1 public key: 64 bytes (or 65 starting with 04), hex, 0x optional.")
    String publicKey;

    @Option(names = "--node-key-file", paramLabel = "FILE",
        description = "The node's Besu key file (private key hex); only the public key derived from it is used.")
    Path nodeKeyFile;
  }

  NodeIdentity identity() throws IOException {
    return choice.publicKey != null
        ? NodeIdentity.fromPublicKeyHex(choice.publicKey)
        : NodeIdentity.fromNodeKeyFile(choice.nodeKeyFile);
  }
}
