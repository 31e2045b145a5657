package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Set;
import org.hyperledger.fabric.protos.common.BlockDataHashingStructure;
import org.hyperledger.fabric.protos.common.Capabilities;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.ConfigEnvelope;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.Consortium;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HashingAlgorithm;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.OrdererAddresses;
import org.hyperledger.fabric.protos.common.Orderers;
import org.hyperledger.fabric.protos.common.OrganizationUnit;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.IdemixMSPConfig;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.orderer.ChannelRestrictions;
import org.hyperledger.fabric.protos.orderer.ConsensusType;
import org.hyperledger.fabric.protos.orderer.KafkaBrokers;
import org.hyperledger.fabric.protos.orderer.etcdraft.ConfigMetadata;
import org.hyperledger.fabric.protos.orderer.smartbft.Options;
import org.hyperledger.fabric.protos.peer.ACLs;
import org.hyperledger.fabric.protos.peer.AnchorPeers;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.Transaction;

/**
 * Which {@code bytes} fields protolator decodes, and as what: the same table as fabric-config's
 * {@code protolator/protoext}. The type of some depends on a sibling field (a policy's type, the
 * channel header's type) or on where a value sits in the config tree (its group and key).
 */
final class OpaqueFields {

  /** Where a config group sits in the channel config tree. */
  enum GroupKind {
    CHANNEL, ORDERER, ORDERER_ORG, APPLICATION, APPLICATION_ORG, CONSORTIUMS, CONSORTIUM,
    CONSORTIUM_ORG, UNKNOWN
  }

  /** The place in the config tree of the message being read: its group and, for a value, its key. */
  record Context(GroupKind group, String valueKey) {
    static final Context NONE = new Context(null, null);
  }

  /** An opaque field's message type (null when it stays base64) and the context inside it. */
  record Opaque(Message prototype, Context context) {
    static Opaque of(Message prototype) {
      return new Opaque(prototype, Context.NONE);
    }
  }

  private static final Set<String> OPAQUE = Set.of(
      "common.Envelope.payload",
      "common.Payload.data",
      "common.Header.channel_header",
      "common.Header.signature_header",
      "common.ChannelHeader.extension",
      "common.SignatureHeader.creator",
      "common.BlockData.data",
      "common.ConfigUpdateEnvelope.config_update",
      "common.ConfigSignature.signature_header",
      "common.Policy.value",
      "common.ConfigValue.value",
      "msp.MSPConfig.config",
      "common.MSPPrincipal.principal",
      "orderer.ConsensusType.metadata");

  private OpaqueFields() {}

  static boolean isOpaqueField(Descriptor type, FieldDescriptor field) {
    return OPAQUE.contains(type.getFullName() + "." + field.getName());
  }

  /** The decoding of an opaque field of this message, or null if the field is not opaque. */
  static Opaque opaque(Message message, FieldDescriptor field, Context context) {
    if (!isOpaqueField(message.getDescriptorForType(), field)) {
      return null;
    }
    return switch (message.getDescriptorForType().getFullName() + "." + field.getName()) {
      case "common.Envelope.payload" -> Opaque.of(Payload.getDefaultInstance());
      case "common.Payload.data" -> Opaque.of(payloadData((Payload) message));
      case "common.Header.channel_header" -> Opaque.of(ChannelHeader.getDefaultInstance());
      case "common.Header.signature_header", "common.ConfigSignature.signature_header" ->
          Opaque.of(SignatureHeader.getDefaultInstance());
      case "common.ChannelHeader.extension" ->
          Opaque.of(((ChannelHeader) message).getType() == HeaderType.ENDORSER_TRANSACTION_VALUE
              ? ChaincodeHeaderExtension.getDefaultInstance() : null);
      case "common.SignatureHeader.creator" -> Opaque.of(SerializedIdentity.getDefaultInstance());
      case "common.BlockData.data" -> Opaque.of(Envelope.getDefaultInstance());
      case "common.ConfigUpdateEnvelope.config_update" -> Opaque.of(ConfigUpdate.getDefaultInstance());
      case "common.Policy.value" -> Opaque.of(switch (((Policy) message).getType()) {
        case Policy.PolicyType.SIGNATURE_VALUE -> SignaturePolicyEnvelope.getDefaultInstance();
        case Policy.PolicyType.IMPLICIT_META_VALUE -> ImplicitMetaPolicy.getDefaultInstance();
        default -> null;
      });
      case "common.ConfigValue.value" -> configValue(context);
      case "msp.MSPConfig.config" -> Opaque.of(switch (((MSPConfig) message).getType()) {
        case 0 -> FabricMSPConfig.getDefaultInstance();
        case 1 -> IdemixMSPConfig.getDefaultInstance();
        default -> null;
      });
      case "common.MSPPrincipal.principal" -> Opaque.of(switch (((MSPPrincipal) message).getPrincipalClassification()) {
        case ROLE -> MSPRole.getDefaultInstance();
        case ORGANIZATION_UNIT -> OrganizationUnit.getDefaultInstance();
        case IDENTITY -> SerializedIdentity.getDefaultInstance();
        default -> null;
      });
      case "orderer.ConsensusType.metadata" -> Opaque.of(switch (((ConsensusType) message).getType()) {
        case "etcdraft" -> ConfigMetadata.getDefaultInstance();
        case "BFT" -> Options.getDefaultInstance();
        default -> Empty.getDefaultInstance();
      });
      default -> null;
    };
  }

  private static Message payloadData(Payload payload) {
    if (!payload.hasHeader()) {
      return null;
    }
    ByteString header = payload.getHeader().getChannelHeader();
    int type;
    try {
      type = ChannelHeader.parseFrom(header).getType();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt channel header: " + e.getMessage());
    }
    return switch (type) {
      case HeaderType.CONFIG_VALUE -> ConfigEnvelope.getDefaultInstance();
      case HeaderType.ORDERER_TRANSACTION_VALUE -> Envelope.getDefaultInstance();
      case HeaderType.CONFIG_UPDATE_VALUE -> ConfigUpdateEnvelope.getDefaultInstance();
      case HeaderType.MESSAGE_VALUE -> ConfigValue.getDefaultInstance();
      case HeaderType.ENDORSER_TRANSACTION_VALUE -> Transaction.getDefaultInstance();
      default -> null;
    };
  }

  /** The message type of a config value with this key in a group of this kind (null prototype if unknown). */
  static Opaque configValueType(GroupKind group, String key) {
    return configValue(new Context(group, key));
  }

  private static Opaque configValue(Context context) {
    if (context.group() == null || context.valueKey() == null) {
      return Opaque.of(null);
    }
    String key = context.valueKey();
    Message type = switch (context.group()) {
      case CHANNEL -> switch (key) {
        case "HashingAlgorithm" -> HashingAlgorithm.getDefaultInstance();
        case "BlockDataHashingStructure" -> BlockDataHashingStructure.getDefaultInstance();
        case "OrdererAddresses" -> OrdererAddresses.getDefaultInstance();
        case "Consortium" -> Consortium.getDefaultInstance();
        case "Capabilities" -> Capabilities.getDefaultInstance();
        default -> null;
      };
      case ORDERER -> switch (key) {
        case "ConsensusType" -> ConsensusType.getDefaultInstance();
        case "BatchSize" -> BatchSize.getDefaultInstance();
        case "BatchTimeout" -> BatchTimeout.getDefaultInstance();
        case "KafkaBrokers" -> KafkaBrokers.getDefaultInstance();
        case "ChannelRestrictions" -> ChannelRestrictions.getDefaultInstance();
        case "Capabilities" -> Capabilities.getDefaultInstance();
        case "Orderers" -> Orderers.getDefaultInstance();
        default -> null;
      };
      case ORDERER_ORG -> switch (key) {
        case "MSP" -> MSPConfig.getDefaultInstance();
        case "Endpoints" -> OrdererAddresses.getDefaultInstance();
        default -> null;
      };
      case APPLICATION -> switch (key) {
        case "Capabilities" -> Capabilities.getDefaultInstance();
        case "ACLs" -> ACLs.getDefaultInstance();
        default -> null;
      };
      case APPLICATION_ORG -> switch (key) {
        case "MSP" -> MSPConfig.getDefaultInstance();
        case "AnchorPeers" -> AnchorPeers.getDefaultInstance();
        default -> null;
      };
      case CONSORTIUM -> "ChannelCreationPolicy".equals(key) ? Policy.getDefaultInstance() : null;
      case CONSORTIUM_ORG -> "MSP".equals(key) ? MSPConfig.getDefaultInstance() : null;
      default -> null;
    };
    return Opaque.of(type);
  }

  /** The context of a nested message: config groups learn their kind from their parent and key. */
  static Context childContext(Message owner, FieldDescriptor field, String mapKey, Context context) {
    String owned = owner.getDescriptorForType().getFullName() + "." + field.getName();
    switch (owned) {
      case "common.Config.channel_group", "common.ConfigUpdate.read_set", "common.ConfigUpdate.write_set":
        return new Context(GroupKind.CHANNEL, null);
      case "common.ConfigGroup.groups":
        return new Context(subGroup(context.group(), mapKey), null);
      case "common.ConfigGroup.values":
        return new Context(context.group(), mapKey);
      default:
        return Context.NONE;
    }
  }

  static GroupKind subGroup(GroupKind parent, String key) {
    if (parent == null) {
      return GroupKind.UNKNOWN;
    }
    return switch (parent) {
      case CHANNEL -> switch (key) {
        case "Orderer" -> GroupKind.ORDERER;
        case "Application" -> GroupKind.APPLICATION;
        case "Consortiums" -> GroupKind.CONSORTIUMS;
        default -> GroupKind.UNKNOWN;
      };
      case ORDERER -> GroupKind.ORDERER_ORG;
      case APPLICATION -> GroupKind.APPLICATION_ORG;
      case CONSORTIUMS -> GroupKind.CONSORTIUM;
      case CONSORTIUM -> GroupKind.CONSORTIUM_ORG;
      default -> GroupKind.UNKNOWN;
    };
  }
}
