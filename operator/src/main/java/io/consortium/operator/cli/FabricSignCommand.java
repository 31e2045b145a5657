package io.consortium.operator.cli;

import io.consortium.operator.fabric.config.ChannelMsp;
import io.consortium.operator.fabric.config.ConfigDocument;
import io.consortium.operator.fabric.config.ConfigUpdateSubmission;
import io.consortium.operator.fabric.config.MspSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fabric sign}: adds this org admin's ConfigSignature, as {@code peer channel signconfigtx}. */
@Command(name = "sign", mixinStandardHelpOptions = true,
    description = "Sign a config update locally with an MSP identity and add the ConfigSignature."
        + " A ConfigUpdate or ConfigUpdateEnvelope gives a ConfigUpdateEnvelope; a CONFIG_UPDATE"
        + " envelope gives a new CONFIG_UPDATE envelope signed by this identity.")
public final class FabricSignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--msp-id", required = true, paramLabel = "ID", description = "The signer's MSP ID.")
  String mspId;

  @Option(names = "--cert", required = true, paramLabel = "FILE", description = "The signer's certificate (PEM).")
  Path cert;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "The signer's EC private key (PEM).")
  Path key;

  @Parameters(index = "0", paramLabel = "UPDATE", description = "ConfigUpdate, ConfigUpdateEnvelope or CONFIG_UPDATE envelope.")
  Path update;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Where to write the signed result (protobuf; JSON if the name ends in .json).")
  Path output;

  @Option(names = "--config", paramLabel = "BLOCK",
      description = "The channel's current config: print what the update changes before signing it.")
  Path config;

  @Override
  public Integer call() throws Exception {
    ConfigDocument document = FabricConfigFiles.read(update);
    if (document.kind() != ConfigDocument.Kind.CONFIG_UPDATE && document.kind() != ConfigDocument.Kind.CONFIG_UPDATE_ENVELOPE
        && document.kind() != ConfigDocument.Kind.ENVELOPE) {
      throw new IllegalArgumentException(update + " is a " + document.kind().name().toLowerCase().replace('_', ' ')
          + ", not a config update to sign");
    }
    ConfigUpdateEnvelope envelope = document.updateEnvelope();
    if (config != null) {
      var update = org.hyperledger.fabric.protos.common.ConfigUpdate.parseFrom(envelope.getConfigUpdate());
      io.consortium.operator.fabric.config.ConfigChanges.describe(FabricConfigFiles.read(config).config(), update)
          .forEach(spec.commandLine().getOut()::println);
    }
    MspSigner signer = new MspSigner(mspId, Files.readAllBytes(cert), Files.readAllBytes(key));
    ConfigUpdateEnvelope signed = envelope.toBuilder()
        .addSignatures(signer.signConfigUpdate(envelope.getConfigUpdate())).build();
    if (document.kind() == ConfigDocument.Kind.ENVELOPE) {
      FabricConfigFiles.write(output, ConfigUpdateSubmission.envelope(signed, signer, Instant.now()));
    } else {
      FabricConfigFiles.write(output, signed);
    }
    spec.commandLine().getOut().println("signed by " + mspId + " " + ChannelMsp.subject(signer.certificate())
        + " (" + signed.getSignaturesCount() + " signature" + (signed.getSignaturesCount() == 1 ? "" : "s") + ")");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
