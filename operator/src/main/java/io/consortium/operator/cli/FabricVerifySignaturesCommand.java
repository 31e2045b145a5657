package io.consortium.operator.cli;

import io.consortium.operator.fabric.config.ChannelMsps;
import io.consortium.operator.fabric.config.ConfigDocument;
import io.consortium.operator.fabric.config.SignatureCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.hyperledger.fabric.protos.common.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fabric verify-signatures}: one line per ConfigSignature, exit 1 if any is invalid. */
@Command(name = "verify-signatures", mixinStandardHelpOptions = true,
    description = "Verify the ConfigSignatures of a config update (or of a config block's last_update):"
        + " signature, low-S, chain to the signer's MSP in the channel config, admin role.")
public final class FabricVerifySignaturesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "Config block, CONFIG_UPDATE envelope or ConfigUpdateEnvelope.")
  Path file;

  @Option(names = "--config", paramLabel = "BLOCK",
      description = "The channel config whose MSPs the signers must belong to (default for a block: the block itself).")
  Path config;

  @Override
  public Integer call() throws Exception {
    ConfigDocument document = FabricConfigFiles.read(file);
    Config channel;
    if (config != null) {
      channel = FabricConfigFiles.read(config).config();
    } else if (document.kind() == ConfigDocument.Kind.BLOCK || document.kind() == ConfigDocument.Kind.CONFIG_ENVELOPE) {
      channel = document.config();
    } else {
      throw new IllegalArgumentException("give --config BLOCK: the signers are checked against the channel's MSPs");
    }
    var envelope = document.updateEnvelope();
    if (envelope.getSignaturesCount() == 0) {
      throw new IllegalArgumentException(file + " carries no signatures");
    }
    List<SignatureCheck> checks = SignatureCheck.all(envelope, ChannelMsps.of(channel));
    PrintWriter out = spec.commandLine().getOut();
    checks.forEach(c -> out.println(c.line()));
    out.flush();
    return checks.stream().allMatch(SignatureCheck::valid) ? 0 : 1;
  }
}
