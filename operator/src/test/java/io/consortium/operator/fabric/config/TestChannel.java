package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.consortium.operator.pki.Pem;
import java.util.List;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.HashingAlgorithm;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.orderer.ConsensusType;
import org.hyperledger.fabric.protos.orderer.etcdraft.ConfigMetadata;
import org.hyperledger.fabric.protos.orderer.etcdraft.Consenter;

/** An application channel config made in a test, shaped as configtxgen's usual profile makes one. */
final class TestChannel {
  private TestChannel() {}

  static Config config(TestOrg orderer, List<TestOrg> orgs) {
    ConfigGroup.Builder application = ConfigGroup.newBuilder().setModPolicy("Admins").setVersion(1)
        .putPolicies("Readers", meta(ImplicitMetaPolicy.Rule.ANY, "Readers"))
        .putPolicies("Writers", meta(ImplicitMetaPolicy.Rule.ANY, "Writers"))
        .putPolicies("Admins", meta(ImplicitMetaPolicy.Rule.MAJORITY, "Admins"))
        .putPolicies("Endorsement", meta(ImplicitMetaPolicy.Rule.MAJORITY, "Endorsement"));
    for (TestOrg org : orgs) {
      application.putGroups(org.mspId, org.definition().applicationOrgGroup());
    }
    ConfigGroup ordererOrg = new OrgDefinition(orderer.mspId, List.of(orderer.ca), List.of(), List.of(orderer.ca), List.of(),
        List.of(), true, orderer.ca, List.of(), List.of("orderer0.example.com:7050")).ordererOrgGroup();
    ConfigMetadata raft = ConfigMetadata.newBuilder()
        .addConsenters(Consenter.newBuilder().setHost("orderer0.example.com").setPort(7050)
            .setClientTlsCert(ByteString.copyFrom(Pem.encode(orderer.ca))).setServerTlsCert(ByteString.copyFrom(Pem.encode(orderer.ca))))
        .build();
    ConfigGroup ordererGroup = ConfigGroup.newBuilder().setModPolicy("Admins")
        .putPolicies("Readers", meta(ImplicitMetaPolicy.Rule.ANY, "Readers"))
        .putPolicies("Writers", meta(ImplicitMetaPolicy.Rule.ANY, "Writers"))
        .putPolicies("Admins", meta(ImplicitMetaPolicy.Rule.MAJORITY, "Admins"))
        .putPolicies("BlockValidation", meta(ImplicitMetaPolicy.Rule.ANY, "Writers"))
        .putValues("BatchSize", value(BatchSize.newBuilder().setMaxMessageCount(10).setAbsoluteMaxBytes(103809024).setPreferredMaxBytes(524288).build()))
        .putValues("BatchTimeout", value(BatchTimeout.newBuilder().setTimeout("2s").build()))
        .putValues("ConsensusType", value(ConsensusType.newBuilder().setType("etcdraft").setMetadata(raft.toByteString()).build()))
        .putGroups(orderer.mspId, ordererOrg)
        .build();
    ConfigGroup channel = ConfigGroup.newBuilder().setModPolicy("Admins")
        .putPolicies("Readers", meta(ImplicitMetaPolicy.Rule.ANY, "Readers"))
        .putPolicies("Writers", meta(ImplicitMetaPolicy.Rule.ANY, "Writers"))
        .putPolicies("Admins", meta(ImplicitMetaPolicy.Rule.MAJORITY, "Admins"))
        .putValues("HashingAlgorithm", value(HashingAlgorithm.newBuilder().setName("SHA256").build()))
        .putGroups("Application", application.build())
        .putGroups("Orderer", ordererGroup)
        .build();
    return Config.newBuilder().setSequence(3).setChannelGroup(channel).build();
  }

  /** A config block (block 0 style) carrying the config in a CONFIG envelope. */
  static org.hyperledger.fabric.protos.common.Block block(Config config, String channelId) {
    var channelHeader = org.hyperledger.fabric.protos.common.ChannelHeader.newBuilder()
        .setType(org.hyperledger.fabric.protos.common.HeaderType.CONFIG_VALUE).setChannelId(channelId).build();
    var payload = org.hyperledger.fabric.protos.common.Payload.newBuilder()
        .setHeader(org.hyperledger.fabric.protos.common.Header.newBuilder().setChannelHeader(channelHeader.toByteString()))
        .setData(org.hyperledger.fabric.protos.common.ConfigEnvelope.newBuilder().setConfig(config).build().toByteString())
        .build();
    var envelope = org.hyperledger.fabric.protos.common.Envelope.newBuilder().setPayload(payload.toByteString()).build();
    var metadata = org.hyperledger.fabric.protos.common.BlockMetadata.newBuilder();
    for (int i = 0; i < 5; i++) {
      metadata.addMetadata(ByteString.EMPTY);
    }
    return org.hyperledger.fabric.protos.common.Block.newBuilder()
        .setHeader(org.hyperledger.fabric.protos.common.BlockHeader.newBuilder().setNumber(0))
        .setData(org.hyperledger.fabric.protos.common.BlockData.newBuilder().addData(envelope.toByteString()))
        .setMetadata(metadata)
        .build();
  }

  static ConfigPolicy meta(ImplicitMetaPolicy.Rule rule, String sub) {
    return ConfigPolicy.newBuilder().setModPolicy("Admins").setPolicy(Policy.newBuilder()
        .setType(Policy.PolicyType.IMPLICIT_META_VALUE)
        .setValue(ImplicitMetaPolicy.newBuilder().setRule(rule).setSubPolicy(sub).build().toByteString())).build();
  }

  static ConfigValue value(Message m) {
    return ConfigValue.newBuilder().setModPolicy("Admins").setValue(m.toByteString()).build();
  }
}
