package io.consortium.operator.share.kinds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.api.v1alpha1.NetworkShareSpec;
import io.consortium.operator.api.v1alpha1.NetworkShareStatus;
import io.consortium.operator.api.v1alpha1.spec.BesuNetwork;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.api.v1alpha1.spec.Endpoint;
import io.consortium.operator.api.v1alpha1.spec.FabricChannel;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.api.v1alpha1.spec.Platform;
import io.consortium.operator.besu.BftGenesis;
import io.consortium.operator.besu.EnodeUrl;
import io.consortium.operator.besu.NodeAddress;
import io.consortium.operator.fabric.config.ConfigDocument;
import io.consortium.operator.fabric.profile.ConnectionProfile;
import io.consortium.operator.fabric.profile.ConnectionProfileRenderer;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareContext;
import io.consortium.operator.share.ShareEngine;
import io.consortium.operator.share.ShareKind;
import io.consortium.operator.status.Conditions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NetworkShare: a Fabric channel or a Besu network as another organization needs it. The bulky part
 * (the channel's config block, the genesis file) travels as bytes, checked on arrival against what
 * the sender says of it (SHA-256, channel ID, chain ID) and kept beside the incoming resource; on accept the receiver renders what its own nodes consume: a
 * Fabric connection profile and the block, or a Besu genesis.json and static-nodes.json.
 */
public final class NetworkShareKind extends BaseShareKind<NetworkShare, NetworkShareSpec, NetworkShareStatus> {

  /** Label on the ConfigMaps a NetworkShare writes, naming the share. */
  public static final String NETWORK_SHARE_LABEL = "consortium.io/networkshare";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FabricPayload(String channelId, List<Endpoint> orderers, List<String> members, String configBlock,
      String configBlockSha256) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record BesuPayload(Long chainId, String genesis, String genesisSha256, List<String> bootnodes,
      List<String> validators) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Payload(Platform platform, FabricPayload fabric, BesuPayload besu) {}

  public NetworkShareKind(ShareContext context) {
    super(context, NetworkShare.class, NetworkShare::new, NetworkShareSpec::new, NetworkShareStatus::new);
  }

  @Override
  public JsonNode payload(NetworkShare share, NetworkShareStatus status) throws InvalidShareSource {
    NetworkShareSpec spec = share.getSpec();
    if (spec.platform == Platform.Fabric) {
      FabricChannel channel = spec.fabric;
      String block = null;
      String sha = null;
      if (channel.configBlockRef != null) {
        byte[] bytes = context.configMapBytes(channel.configBlockRef.name, channel.configBlockRef.key,
            "spec.fabric.configBlockRef");
        String where = "ConfigMap " + channel.configBlockRef.name + " key " + channel.configBlockRef.key;
        String blockChannel;
        try {
          blockChannel = channelOfConfigBlock(bytes);
        } catch (IllegalArgumentException e) {
          throw new InvalidShareSource("SourceInvalid", where + " (spec.fabric.configBlockRef) is not a channel's"
              + " config block: " + e.getMessage());
        }
        if (!blockChannel.equals(channel.channelId)) {
          throw new InvalidShareSource("ChannelMismatch", where + " is a config block of channel '" + blockChannel
              + "' but spec.fabric.channelId is '" + channel.channelId + "'");
        }
        block = Base64.getEncoder().encodeToString(bytes);
        sha = Sha256.hex(bytes);
      }
      for (Endpoint orderer : channel.orderers == null ? List.<Endpoint>of() : channel.orderers) {
        if (orderer.tlsCACert != null) {
          try {
            Pem.certificates(orderer.tlsCACert.getBytes(StandardCharsets.UTF_8), "spec.fabric.orderers["
                + orderer.address + "].tlsCACert");
          } catch (IllegalArgumentException e) {
            throw new InvalidShareSource("SourceInvalid", e.getMessage());
          }
        }
      }
      return ProtocolJson.MAPPER.valueToTree(new Payload(Platform.Fabric,
          new FabricPayload(channel.channelId, channel.orderers, channel.members, block, sha), null));
    }
    BesuNetwork besu = spec.besu;
    String genesis = null;
    String sha = null;
    if (besu.genesisRef != null) {
      byte[] bytes = context.configMapBytes(besu.genesisRef.name, besu.genesisRef.key, "spec.besu.genesisRef");
      try {
        long chainId = BftGenesis.parse(bytes).chainId();
        if (chainId != besu.chainId) {
          throw new InvalidShareSource("GenesisMismatch", "spec.besu.chainId is " + besu.chainId
              + " but the genesis in ConfigMap " + besu.genesisRef.name + " says " + chainId);
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource("GenesisInvalid", "the genesis in ConfigMap " + besu.genesisRef.name
            + " is not a usable Besu BFT genesis: " + e.getMessage());
      }
      genesis = Base64.getEncoder().encodeToString(bytes);
      sha = Sha256.hex(bytes);
    }
    for (String bootnode : besu.bootnodes == null ? List.<String>of() : besu.bootnodes) {
      try {
        EnodeUrl.parse(bootnode);
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource("BootnodeInvalid", "spec.besu.bootnodes: " + e.getMessage());
      }
    }
    for (String validator : besu.validators == null ? List.<String>of() : besu.validators) {
      try {
        NodeAddress.parse(validator);
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource("ValidatorInvalid", "spec.besu.validators: " + e.getMessage());
      }
    }
    return ProtocolJson.MAPPER.valueToTree(new Payload(Platform.Besu, null,
        new BesuPayload(besu.chainId, genesis, sha, besu.bootnodes, besu.validators)));
  }

  /**
   * Keeps the network as the sender described it once what arrived confirms it: the config block
   * hashes to its digest and is a config block of the channel named; the genesis hashes to its
   * digest and has the chain ID named ({@code PayloadMismatch} otherwise); bootnodes, validators and
   * orderer TLS CA certificates read as what they claim to be ({@code PayloadInvalid} otherwise).
   */
  @Override
  public void receive(NetworkShareSpec spec, JsonNode payload) throws InvalidShareSource {
    Payload received = Payloads.read(payload, Payload.class, kind());
    spec.platform = received.platform();
    spec.fabric = null;
    spec.besu = null;
    if (received.platform() == Platform.Fabric && received.fabric() != null) {
      FabricPayload in = received.fabric();
      if (in.channelId() == null) {
        throw new InvalidShareSource("PayloadInvalid", "a Fabric NetworkShare payload without its channel ID");
      }
      byte[] block = Payloads.verified(in.configBlock(), in.configBlockSha256(), "config block");
      if (block != null) {
        try {
          Payloads.same(in.channelId(), channelOfConfigBlock(block), "channel of the config block");
        } catch (IllegalArgumentException e) {
          throw new InvalidShareSource("PayloadInvalid", "the config block received is not a channel's config block: "
              + e.getMessage());
        }
      }
      for (Endpoint orderer : in.orderers() == null ? List.<Endpoint>of() : in.orderers()) {
        if (orderer.tlsCACert != null) {
          try {
            Pem.certificates(orderer.tlsCACert.getBytes(StandardCharsets.UTF_8), "the TLS CA of orderer "
                + orderer.address);
          } catch (IllegalArgumentException e) {
            throw new InvalidShareSource("PayloadInvalid", e.getMessage());
          }
        }
      }
      spec.fabric = new FabricChannel();
      spec.fabric.channelId = in.channelId();
      spec.fabric.orderers = in.orderers();
      spec.fabric.members = in.members();
      spec.fabric.configBlockSha256 = block == null ? null : in.configBlockSha256();
    } else if (received.platform() == Platform.Besu && received.besu() != null) {
      BesuPayload in = received.besu();
      byte[] genesis = Payloads.verified(in.genesis(), in.genesisSha256(), "genesis");
      if (genesis != null) {
        long chainId;
        try {
          chainId = BftGenesis.parse(genesis).chainId();
        } catch (IllegalArgumentException e) {
          throw new InvalidShareSource("PayloadInvalid", "the genesis received is not a Besu BFT genesis: "
              + e.getMessage());
        }
        Payloads.same(in.chainId(), chainId, "chain ID of the genesis");
      }
      try {
        for (String bootnode : in.bootnodes() == null ? List.<String>of() : in.bootnodes()) {
          EnodeUrl.parse(bootnode);
        }
        for (String validator : in.validators() == null ? List.<String>of() : in.validators()) {
          NodeAddress.parse(validator);
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidShareSource("PayloadInvalid", "the Besu network received: " + e.getMessage());
      }
      spec.besu = new BesuNetwork();
      spec.besu.chainId = in.chainId();
      spec.besu.genesisSha256 = genesis == null ? null : in.genesisSha256();
      spec.besu.bootnodes = in.bootnodes();
      spec.besu.validators = in.validators();
    } else {
      throw new InvalidShareSource("PayloadInvalid", "a NetworkShare payload without its " + received.platform()
          + " network");
    }
  }

  @Override
  public JsonNode payloadOf(NetworkShareSpec spec) {
    // The bytes are compared by their digest: the spec keeps the digest, the bytes live beside it.
    return ProtocolJson.MAPPER.valueToTree(new Payload(spec.platform,
        spec.fabric == null ? null : new FabricPayload(spec.fabric.channelId, spec.fabric.orderers, spec.fabric.members,
            null, spec.fabric.configBlockSha256),
        spec.besu == null ? null : new BesuPayload(spec.besu.chainId, null, spec.besu.genesisSha256,
            spec.besu.bootnodes, spec.besu.validators)));
  }

  /**
   * Both sides: the channel and chain as the bytes say. The origin reads them from the bytes it
   * sends; the receiver keeps the digests it checked the bytes against on arrival (the bytes live
   * beside the share), and shows a channel or chain ID only when bytes confirmed it.
   */
  @Override
  public void describe(NetworkShareStatus status, JsonNode payload) {
    Payload p = Payloads.readValid(payload, Payload.class);
    status.channelId = null;
    status.configBlockSha256 = null;
    status.chainId = null;
    status.genesisSha256 = null;
    if (p.fabric() != null) {
      FabricPayload fabric = p.fabric();
      if (fabric.configBlock() != null) {
        byte[] block = Base64.getDecoder().decode(fabric.configBlock());
        status.configBlockSha256 = Sha256.hex(block);
        status.channelId = channelOfConfigBlock(block);
      } else if (fabric.configBlockSha256() != null) {
        status.configBlockSha256 = fabric.configBlockSha256();
        status.channelId = fabric.channelId();
      }
      status.network = status.channelId != null ? status.channelId : fabric.channelId();
    } else if (p.besu() != null) {
      BesuPayload besu = p.besu();
      if (besu.genesis() != null) {
        byte[] genesis = Base64.getDecoder().decode(besu.genesis());
        status.genesisSha256 = Sha256.hex(genesis);
        status.chainId = BftGenesis.parse(genesis).chainId();
      } else if (besu.genesisSha256() != null) {
        status.genesisSha256 = besu.genesisSha256();
        status.chainId = besu.chainId();
      }
      status.network = "chain " + (status.chainId != null ? status.chainId : besu.chainId());
    } else {
      status.network = null;
    }
  }

  @Override
  public void acceptAutomatically(NetworkShareSpec spec) {
    spec.decision = Decision.Accept;
  }

  @Override
  public void withdrawDecision(NetworkShareSpec spec) {
    spec.decision = null;
  }

  @Override
  public void stored(NetworkShare share, JsonNode payload) {
    Payload p = Payloads.readValid(payload, Payload.class);
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    if (p.fabric() != null && p.fabric().configBlock() != null) {
      bytes.put("config.block", Base64.getDecoder().decode(p.fabric().configBlock()));
    }
    if (p.besu() != null && p.besu().genesis() != null) {
      bytes.put("genesis.json", Base64.getDecoder().decode(p.besu().genesis()));
    }
    if (!bytes.isEmpty()) {
      context.writeOwnedConfigMap(share, receivedName(share), labels(share), Map.of(), bytes);
    }
  }

  @Override
  public void accepted(NetworkShare share, NetworkShareStatus status) {
    if (status.configMapName != null) {
      return;
    }
    Map<String, String> data = new LinkedHashMap<>();
    Map<String, byte[]> binary = new LinkedHashMap<>();
    Optional<String> unrendered = Optional.empty();
    NetworkShareSpec spec = share.getSpec();
    if (spec.fabric != null) {
      data.put("channel", spec.fabric.channelId);
      received(share, "config.block").ifPresent(block -> binary.put("config.block", block));
      try {
        Optional<ConnectionProfile> profile = connectionProfile(share);
        if (profile.isPresent()) {
          data.put("connection-profile.yaml", ConnectionProfileRenderer.yaml(profile.get()));
        } else {
          unrendered = Optional.of("no local Fabric peer (ConsortiumNode) belongs to one of the channel's members "
              + spec.fabric.members + ": create one to get a connection profile for it");
        }
      } catch (IllegalArgumentException e) {
        unrendered = Optional.of("the connection profile cannot be made: " + e.getMessage());
      }
    } else if (spec.besu != null) {
      data.put("chain-id", String.valueOf(spec.besu.chainId));
      received(share, "genesis.json").ifPresent(genesis -> data.put("genesis.json",
          new String(genesis, StandardCharsets.UTF_8)));
      data.put("static-nodes.json", staticNodes(spec.besu.bootnodes));
    }
    String name = ResourceNames.derived(share.getMetadata().getName(), "-network");
    context.writeOwnedConfigMap(share, name, labels(share), data, binary);
    status.configMapName = name;
    Conditions.set(status.conditions, "Rendered", unrendered.isPresent() ? ConditionStatus.False : ConditionStatus.True,
        unrendered.isPresent() ? "ProfileNotRendered" : "Rendered",
        unrendered.orElse("ConfigMap " + name + " holds what local nodes consume"), share.getMetadata().getGeneration(),
        context.clock());
  }

  /** A profile for the local org that is a member of the channel, with every known peer of the members. */
  private Optional<ConnectionProfile> connectionProfile(NetworkShare share) {
    FabricChannel channel = share.getSpec().fabric;
    List<String> members = channel.members == null ? List.of() : channel.members;
    List<ConsortiumNode> peers = context.client().resources(ConsortiumNode.class).inNamespace(context.namespace())
        .list().getItems().stream().filter(n -> n.getSpec().type == NodeType.FabricPeer
            && members.contains(n.getSpec().mspId)).toList();
    Optional<String> local = peers.stream().filter(n -> n.getSpec().origin == null).map(n -> n.getSpec().mspId)
        .findFirst();
    if (local.isEmpty()) {
      return Optional.empty();
    }
    List<ConnectionProfile.Organization> organizations = new ArrayList<>();
    for (String member : members) {
      organizations.add(new ConnectionProfile.Organization(member, member, peers.stream()
          .filter(n -> member.equals(n.getSpec().mspId)).map(n -> n.getMetadata().getName()).toList(), List.of()));
    }
    List<ConnectionProfile.Orderer> orderers = new ArrayList<>();
    for (Endpoint orderer : channel.orderers == null ? List.<Endpoint>of() : channel.orderers) {
      orderers.add(new ConnectionProfile.Orderer(orderer.address.substring(0, orderer.address.lastIndexOf(':')),
          (orderer.tlsCACert == null ? "grpc://" : "grpcs://") + orderer.address, orderer.tlsCACert, null));
    }
    List<ConnectionProfile.Peer> profilePeers = peers.stream().map(n -> new ConnectionProfile.Peer(
        n.getMetadata().getName(), (n.getSpec().tlsCACert == null ? "grpc://" : "grpcs://") + n.getSpec().endpoint,
        n.getSpec().tlsCACert, null)).toList();
    return Optional.of(new ConnectionProfile(channel.channelId + "-" + local.get(), "1.0.0", local.get(),
        channel.channelId, organizations, orderers, profilePeers, List.of()));
  }

  /** The channel a config block is of, from its channel header; refuses what is not a config block. */
  static String channelOfConfigBlock(byte[] bytes) {
    ConfigDocument document = ConfigDocument.parse(bytes);
    if (document.kind() != ConfigDocument.Kind.BLOCK) {
      throw new IllegalArgumentException("it is a " + document.kind().name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', ' ') + ", not a block");
    }
    document.config(); // a block of transactions is no config block
    String channel = document.channelId();
    if (channel == null || channel.isEmpty()) {
      throw new IllegalArgumentException("the block names no channel");
    }
    return channel;
  }

  private static String staticNodes(List<String> bootnodes) {
    try {
      return ProtocolJson.MAPPER.writerWithDefaultPrettyPrinter()
          .writeValueAsString(bootnodes == null ? List.of() : bootnodes) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Optional<byte[]> received(NetworkShare share, String key) {
    try {
      return Optional.of(context.configMapBytes(receivedName(share), key, "the received payload"));
    } catch (InvalidShareSource e) {
      return Optional.empty();
    }
  }

  private static String receivedName(NetworkShare share) {
    return ResourceNames.derived(share.getMetadata().getName(), "-received");
  }

  private static Map<String, String> labels(NetworkShare share) {
    return Map.of(NETWORK_SHARE_LABEL, share.getMetadata().getName(),
        ShareEngine.FROM_LABEL, share.getSpec().from == null ? "" : share.getSpec().from.pairing);
  }
}
