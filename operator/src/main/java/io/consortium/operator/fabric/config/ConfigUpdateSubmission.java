package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;

/**
 * The CONFIG_UPDATE envelope a submitter sends to the orderer's Broadcast: payload{header{channel
 * header of type CONFIG_UPDATE, signature header}, data = ConfigUpdateEnvelope}, signed over the
 * payload bytes by the submitter (fabric protoutil.CreateSignedEnvelope).
 */
public final class ConfigUpdateSubmission {

  private ConfigUpdateSubmission() {}

  public static Envelope envelope(ConfigUpdateEnvelope update, MspSigner submitter, Instant now) {
    Payload payload = payload(update, submitter, now);
    ByteString payloadBytes = payload.toByteString();
    return Envelope.newBuilder()
        .setPayload(payloadBytes)
        .setSignature(ByteString.copyFrom(submitter.sign(payloadBytes.toByteArray())))
        .build();
  }

  /**
   * The same envelope with no submitter: what {@code peer channel update -f} takes, since it adds the
   * submitting admin's ConfigSignature and signs the envelope itself (fabric
   * internal/peer/channel/create.go, sanityCheckAndSignConfigTx).
   */
  public static Envelope unsigned(ConfigUpdateEnvelope update, Instant now) {
    return Envelope.newBuilder().setPayload(payload(update, null, now).toByteString()).build();
  }

  private static Payload payload(ConfigUpdateEnvelope update, MspSigner submitter, Instant now) {
    ConfigUpdate configUpdate = ConfigDocument.parse(ConfigUpdate.parser(), update.getConfigUpdate(), "config update");
    if (configUpdate.getChannelId().isEmpty()) {
      throw new IllegalArgumentException("the config update names no channel");
    }
    ChannelHeader channelHeader = ChannelHeader.newBuilder()
        .setType(HeaderType.CONFIG_UPDATE_VALUE)
        .setChannelId(configUpdate.getChannelId())
        .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .build();
    Header.Builder header = Header.newBuilder().setChannelHeader(channelHeader.toByteString());
    if (submitter != null) {
      header.setSignatureHeader(submitter.newSignatureHeader().toByteString());
    }
    return Payload.newBuilder().setHeader(header).setData(update.toByteString()).build();
  }
}
