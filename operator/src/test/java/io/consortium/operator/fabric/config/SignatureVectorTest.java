package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import org.hyperledger.fabric.protos.common.ConfigSignature;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.junit.jupiter.api.Test;

class SignatureVectorTest {

  private static ConfigDocument genesis() throws Exception {
    return ConfigDocument.parse(FabricVectors.etcdraftGenesis());
  }

  @Test
  void the_org1_admin_signature_in_the_etcdraft_genesis_block_verifies() throws Exception {
    ConfigDocument block = genesis();
    List<SignatureCheck> checks = SignatureCheck.all(block.updateEnvelope(), ChannelMsps.of(block.config()));
    assertThat(checks).hasSize(1);
    assertThat(checks.get(0).mspId()).isEqualTo("Org1MSP");
    assertThat(checks.get(0).subject()).startsWith("CN=Admin@org1.example.com");
    assertThat(checks.get(0).failure()).isNull();
    assertThat(checks.get(0).line()).endsWith(" valid");
  }

  @Test
  void one_changed_byte_of_the_signature_or_of_the_update_breaks_it() throws Exception {
    ConfigDocument block = genesis();
    ConfigUpdateEnvelope envelope = block.updateEnvelope();
    var msps = ChannelMsps.of(block.config());
    ConfigSignature signature = envelope.getSignatures(0);

    byte[] sig = signature.getSignature().toByteArray();
    sig[sig.length - 3] ^= 0x01;
    var badSignature = SignatureCheck.of(signature.toBuilder().setSignature(ByteString.copyFrom(sig)).build(),
        envelope.getConfigUpdate(), msps);
    assertThat(badSignature.valid()).isFalse();

    byte[] update = envelope.getConfigUpdate().toByteArray();
    update[update.length / 2] ^= 0x01;
    var badUpdate = SignatureCheck.of(signature, ByteString.copyFrom(update), msps);
    assertThat(badUpdate.failure()).isEqualTo("the signature does not match the signature header and config update bytes");
  }
}
