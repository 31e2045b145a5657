package io.consortium.operator.fabric.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigEnvelope;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;

/**
 * One file of channel configuration as people hand them around: a config block, a CONFIG or
 * CONFIG_UPDATE envelope, a ConfigEnvelope, a Config, a ConfigUpdateEnvelope or a ConfigUpdate,
 * as protobuf or as configtxlator JSON. The kind is recognised from the content.
 */
public record ConfigDocument(Kind kind, Message message) {

  /** The message types a config file may hold. */
  public enum Kind {
    BLOCK(Block.getDefaultInstance()),
    ENVELOPE(Envelope.getDefaultInstance()),
    CONFIG_ENVELOPE(ConfigEnvelope.getDefaultInstance()),
    CONFIG(Config.getDefaultInstance()),
    CONFIG_UPDATE_ENVELOPE(ConfigUpdateEnvelope.getDefaultInstance()),
    CONFIG_UPDATE(ConfigUpdate.getDefaultInstance());

    private final Message prototype;

    Kind(Message prototype) {
      this.prototype = prototype;
    }

    public Message prototype() {
      return prototype;
    }
  }

  public static ConfigDocument read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return parse(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public static ConfigDocument parse(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty file");
    }
    if (looksLikeJson(bytes)) {
      return parseJson(new String(bytes, StandardCharsets.UTF_8));
    }
    return parseProtobuf(ByteString.copyFrom(bytes));
  }

  private static boolean looksLikeJson(byte[] bytes) {
    for (byte b : bytes) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{';
    }
    return false;
  }

  private static ConfigDocument parseJson(String json) {
    JsonNode tree;
    try {
      tree = ConfigJson.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
    Kind kind;
    if (tree.has("header") && tree.has("data") && tree.has("metadata")) {
      kind = Kind.BLOCK;
    } else if (tree.has("payload")) {
      kind = Kind.ENVELOPE;
    } else if (tree.has("config") && tree.has("last_update")) {
      kind = Kind.CONFIG_ENVELOPE;
    } else if (tree.has("channel_group")) {
      kind = Kind.CONFIG;
    } else if (tree.has("config_update")) {
      kind = Kind.CONFIG_UPDATE_ENVELOPE;
    } else if (tree.has("read_set") || tree.has("write_set")) {
      kind = Kind.CONFIG_UPDATE;
    } else {
      throw new IllegalArgumentException(
          "JSON is none of block, envelope, config envelope, config, config update envelope, config update");
    }
    return new ConfigDocument(kind, ConfigJson.fromTree(tree, kind.prototype()));
  }

  /**
   * Protobuf carries no type: try each kind and keep the first whose nested parts parse without
   * unknown fields, which is what tells a block from an envelope from a config.
   */
  private static ConfigDocument parseProtobuf(ByteString bytes) {
    try {
      Block block = Block.parseFrom(bytes);
      if (clean(block) && block.hasHeader() && block.hasData() && block.getData().getDataCount() > 0) {
        Envelope.parseFrom(block.getData().getData(0));
        return new ConfigDocument(Kind.BLOCK, block);
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not a block
    }
    try {
      Envelope envelope = Envelope.parseFrom(bytes);
      if (clean(envelope) && !envelope.getPayload().isEmpty()) {
        Payload payload = Payload.parseFrom(envelope.getPayload());
        if (clean(payload) && payload.hasHeader()) {
          ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
          return new ConfigDocument(Kind.ENVELOPE, envelope);
        }
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not an envelope
    }
    try {
      ConfigUpdateEnvelope envelope = ConfigUpdateEnvelope.parseFrom(bytes);
      if (clean(envelope) && !envelope.getConfigUpdate().isEmpty()) {
        ConfigUpdate update = ConfigUpdate.parseFrom(envelope.getConfigUpdate());
        if (clean(update) && !update.getChannelId().isEmpty()) {
          return new ConfigDocument(Kind.CONFIG_UPDATE_ENVELOPE, envelope);
        }
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not a config update envelope
    }
    try {
      ConfigUpdate update = ConfigUpdate.parseFrom(bytes);
      if (clean(update) && !update.getChannelId().isEmpty() && (update.hasReadSet() || update.hasWriteSet())) {
        return new ConfigDocument(Kind.CONFIG_UPDATE, update);
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not a config update
    }
    try {
      ConfigEnvelope envelope = ConfigEnvelope.parseFrom(bytes);
      if (clean(envelope) && envelope.hasConfig() && envelope.getConfig().hasChannelGroup()) {
        return new ConfigDocument(Kind.CONFIG_ENVELOPE, envelope);
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not a config envelope
    }
    try {
      Config config = Config.parseFrom(bytes);
      if (clean(config) && config.hasChannelGroup()) {
        return new ConfigDocument(Kind.CONFIG, config);
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not a config
    }
    throw new IllegalArgumentException(
        "not a Fabric block, envelope, config, config update envelope or config update (protobuf or JSON)");
  }

  private static boolean clean(Message message) {
    if (!message.getUnknownFields().asMap().isEmpty()) {
      return false;
    }
    for (var value : message.getAllFields().values()) {
      if (value instanceof Message m && !clean(m)) {
        return false;
      }
      if (value instanceof java.util.List<?> list) {
        for (Object o : list) {
          if (o instanceof Message m && !clean(m)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** The channel config this document carries: a config block's, a config envelope's, or itself. */
  public Config config() {
    return switch (kind) {
      case CONFIG -> (Config) message;
      case CONFIG_ENVELOPE -> ((ConfigEnvelope) message).getConfig();
      case BLOCK -> configEnvelopeOfBlock((Block) message).getConfig();
      case ENVELOPE -> {
        Payload payload = payloadOf((Envelope) message);
        if (headerType(payload) != HeaderType.CONFIG_VALUE) {
          throw new IllegalArgumentException("the envelope is not a CONFIG envelope; it holds no channel config");
        }
        yield parse(ConfigEnvelope.parser(), payload.getData(), "config envelope").getConfig();
      }
      default -> throw new IllegalArgumentException(
          "a " + describe(kind) + " holds no channel config; give a config block or a config");
    };
  }

  /**
   * The config update envelope this document carries: itself, the data of a CONFIG_UPDATE
   * envelope, a config block's {@code last_update}, or a bare ConfigUpdate with no signatures yet.
   */
  public ConfigUpdateEnvelope updateEnvelope() {
    return switch (kind) {
      case CONFIG_UPDATE_ENVELOPE -> (ConfigUpdateEnvelope) message;
      case CONFIG_UPDATE -> ConfigUpdateEnvelope.newBuilder()
          .setConfigUpdate(message.toByteString()).build();
      case ENVELOPE -> updateEnvelopeOf((Envelope) message);
      case BLOCK -> {
        ConfigEnvelope configEnvelope = configEnvelopeOfBlock((Block) message);
        if (!configEnvelope.hasLastUpdate()) {
          throw new IllegalArgumentException("the config block has no last_update");
        }
        yield updateEnvelopeOf(configEnvelope.getLastUpdate());
      }
      case CONFIG_ENVELOPE -> {
        ConfigEnvelope configEnvelope = (ConfigEnvelope) message;
        if (!configEnvelope.hasLastUpdate()) {
          throw new IllegalArgumentException("the config envelope has no last_update");
        }
        yield updateEnvelopeOf(configEnvelope.getLastUpdate());
      }
      case CONFIG -> throw new IllegalArgumentException("a config holds no config update");
    };
  }

  /** The channel ID a block or envelope names in its channel header, or null for bare configs. */
  public String channelId() {
    return switch (kind) {
      case BLOCK -> {
        Block block = (Block) message;
        if (block.getData().getDataCount() == 0) {
          yield null;
        }
        Payload payload = payloadOf(parse(Envelope.parser(), block.getData().getData(0), "block data[0]"));
        yield parse(ChannelHeader.parser(), payload.getHeader().getChannelHeader(), "channel header").getChannelId();
      }
      case ENVELOPE -> parse(ChannelHeader.parser(), payloadOf((Envelope) message).getHeader().getChannelHeader(), "channel header").getChannelId();
      default -> null;
    };
  }

  static ConfigEnvelope configEnvelopeOfBlock(Block block) {
    if (block.getData().getDataCount() == 0) {
      throw new IllegalArgumentException("the block has no transactions");
    }
    Envelope envelope = parse(Envelope.parser(), block.getData().getData(0), "block data[0]");
    Payload payload = payloadOf(envelope);
    if (headerType(payload) != HeaderType.CONFIG_VALUE) {
      throw new IllegalArgumentException("not a config block: its transaction is of header type " + headerType(payload));
    }
    return parse(ConfigEnvelope.parser(), payload.getData(), "config envelope");
  }

  private static ConfigUpdateEnvelope updateEnvelopeOf(Envelope envelope) {
    Payload payload = payloadOf(envelope);
    if (headerType(payload) != HeaderType.CONFIG_UPDATE_VALUE) {
      throw new IllegalArgumentException("the envelope is not a CONFIG_UPDATE envelope (header type " + headerType(payload) + ")");
    }
    return parse(ConfigUpdateEnvelope.parser(), payload.getData(), "config update envelope");
  }

  private static Payload payloadOf(Envelope envelope) {
    return parse(Payload.parser(), envelope.getPayload(), "envelope payload");
  }

  private static int headerType(Payload payload) {
    return parse(ChannelHeader.parser(), payload.getHeader().getChannelHeader(), "channel header").getType();
  }

  static <T extends Message> T parse(com.google.protobuf.Parser<T> parser, ByteString bytes, String what) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt " + what + ": " + e.getMessage());
    }
  }

  private static String describe(Kind kind) {
    return kind.name().toLowerCase().replace('_', ' ');
  }
}
