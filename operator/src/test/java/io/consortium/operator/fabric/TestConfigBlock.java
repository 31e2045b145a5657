package io.consortium.operator.fabric;

import com.google.protobuf.ByteString;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigEnvelope;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HashingAlgorithm;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;

/** A channel's config block as an orderer hands it out (block 0 style, one CONFIG envelope), for tests that share one. */
public final class TestConfigBlock {

  private TestConfigBlock() {}

  /** The config block of {@code channelId}: a CONFIG envelope whose channel header names the channel. */
  public static byte[] of(String channelId) {
    return block(channelId, HeaderType.CONFIG_VALUE, ConfigEnvelope.newBuilder().setConfig(Config.newBuilder()
        .setSequence(1).setChannelGroup(ConfigGroup.newBuilder().setModPolicy("Admins")
            .putValues("HashingAlgorithm", ConfigValue.newBuilder().setModPolicy("Admins")
                .setValue(HashingAlgorithm.newBuilder().setName("SHA256").build().toByteString()).build())))
        .build().toByteString());
  }

  /** A block of the channel that carries a transaction, not its config. */
  public static byte[] ofTransaction(String channelId) {
    return block(channelId, HeaderType.ENDORSER_TRANSACTION_VALUE, ByteString.copyFromUtf8("a transaction"));
  }

  private static byte[] block(String channelId, int type, ByteString data) {
    ChannelHeader channelHeader = ChannelHeader.newBuilder().setType(type).setChannelId(channelId).build();
    Payload payload = Payload.newBuilder().setHeader(Header.newBuilder().setChannelHeader(channelHeader.toByteString()))
        .setData(data).build();
    Envelope envelope = Envelope.newBuilder().setPayload(payload.toByteString()).build();
    BlockMetadata.Builder metadata = BlockMetadata.newBuilder();
    for (int i = 0; i < 5; i++) {
      metadata.addMetadata(ByteString.EMPTY);
    }
    return Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(0))
        .setData(BlockData.newBuilder().addData(envelope.toByteString())).setMetadata(metadata).build().toByteArray();
  }
}
