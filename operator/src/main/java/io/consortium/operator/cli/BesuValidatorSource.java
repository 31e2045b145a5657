package io.consortium.operator.cli;

import io.consortium.operator.besu.NodeAddress;
import io.consortium.operator.besu.NodeIdentity;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** A list of validators, as addresses or as the nodes' public keys. */
final class BesuValidatorSource {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Choice choice;

  static final class Choice {
    @Option(names = "--validators", split = ",", paramLabel = "ADDR",
        description = "Validator addresses (20 bytes hex, 0x optional), comma-separated.")
    List<String> validators;

    @Option(names = "--public-keys", split = ",", paramLabel = "HEX",
        description = "Validator nodes' public keys, comma-separated; their addresses are derived.")
    List<String> publicKeys;
  }

  /** The addresses in the order given. */
  List<NodeAddress> addresses() {
    List<NodeAddress> out = new ArrayList<>();
    if (choice.validators != null) {
      for (String v : choice.validators) {
        out.add(NodeAddress.parse(v));
      }
    } else {
      for (String k : choice.publicKeys) {
        out.add(NodeIdentity.fromPublicKeyHex(k).address());
      }
    }
    return out;
  }
}
