package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.List;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.junit.jupiter.api.Test;

class ConfigUpdateSubmissionTest {

  private static final TestOrg ORDERER = TestOrg.withNodeOus("OrdererMSP");
  private static final TestOrg ORG1 = TestOrg.withNodeOus("Org1MSP");
  private static final Config CHANNEL = TestChannel.config(ORDERER, List.of(ORG1));

  @Test
  void the_submission_is_a_config_update_envelope_for_the_channel_signed_by_the_submitter() throws Exception {
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, ConfigEdits.setBatchTimeout(CHANNEL, "1s"), "mychannel");
    ConfigUpdateEnvelope signed = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString())
        .addSignatures(ORG1.admin.signer().signConfigUpdate(update.toByteString())).build();
    Instant now = Instant.parse("2026-11-23T12:00:00.5Z");
    Envelope envelope = ConfigUpdateSubmission.envelope(signed, ORG1.admin.signer(), now);

    Payload payload = Payload.parseFrom(envelope.getPayload());
    ChannelHeader header = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    assertThat(header.getType()).isEqualTo(HeaderType.CONFIG_UPDATE_VALUE);
    assertThat(header.getChannelId()).isEqualTo("mychannel");
    assertThat(header.getTimestamp().getSeconds()).isEqualTo(now.getEpochSecond());
    assertThat(header.getTimestamp().getNanos()).isEqualTo(500_000_000);
    SignatureHeader signatureHeader = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
    assertThat(SerializedIdentity.parseFrom(signatureHeader.getCreator()).getMspid()).isEqualTo("Org1MSP");
    assertThat(ConfigUpdateEnvelope.parseFrom(payload.getData())).isEqualTo(signed);
    assertThat(MspSigner.EcSignatures.verify((ECPublicKey) ORG1.admin.certificate().getPublicKey(),
        envelope.getPayload().toByteArray(), envelope.getSignature().toByteArray())).isTrue();
    assertThat(ConfigDocument.parse(envelope.toByteArray()).updateEnvelope()).isEqualTo(signed);
  }

  @Test
  void an_update_for_another_channel_does_not_pass_the_policy_check() {
    ConfigUpdate update = ConfigUpdates.compute(CHANNEL, ConfigEdits.setBatchTimeout(CHANNEL, "1s"), "otherchannel");
    ConfigUpdateEnvelope signed = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString())
        .addSignatures(ORDERER.admin.signer().signConfigUpdate(update.toByteString())).build();
    assertThat(UpdatePolicyCheck.check(CHANNEL, signed).satisfied()).isTrue();
    UpdatePolicyCheck check = UpdatePolicyCheck.check(CHANNEL, "mychannel", signed);
    assertThat(check.satisfied()).isFalse();
    assertThat(check.problems()).containsExactly("the update is for channel 'otherchannel' but the config is of channel 'mychannel'");
  }
}
