package io.consortium.operator.besu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A Besu {@code genesis.json} for a BFT network (QBFT, or IBFT 2.0 when reading an older one).
 * {@link #render()} is a pure function of the fields: fixed field order, sorted alloc and
 * milestones, validators sorted in {@code extraData}, {@code \n} line ends. So every organization
 * that renders the same inputs gets the same bytes and Besu computes the same genesis hash.
 */
public record BftGenesis(
    long chainId,
    BftConsensus consensus,
    SortedMap<String, Long> milestones,
    int blockPeriodSeconds,
    long epochLength,
    int requestTimeoutSeconds,
    List<NodeAddress> validators,
    BigInteger gasLimit,
    BigInteger difficulty,
    long timestamp,
    ObjectNode alloc) {

  /** Besu's BFT mixHash (its EXPECTED_MIX_HASH): ASCII "ctical byzantine fault tolerance". */
  public static final String BFT_MIX_HASH =
      "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

  public static final int DEFAULT_BLOCK_PERIOD_SECONDS = 2;
  public static final long DEFAULT_EPOCH_LENGTH = 30_000;
  public static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 4;
  /** The gas limit of Besu's QBFT tutorial genesis. */
  public static final BigInteger DEFAULT_GAS_LIMIT = new BigInteger("1fffffffffffff", 16);

  // Defaults Besu applies when a genesis leaves a BFT option out (JsonBftConfigOptions).
  private static final int BESU_DEFAULT_BLOCK_PERIOD = 1;
  private static final long BESU_DEFAULT_EPOCH_LENGTH = 30_000;
  private static final int BESU_DEFAULT_REQUEST_TIMEOUT = 1;

  private static final Pattern MILESTONE = Pattern.compile("[a-z][A-Za-z0-9]*(Block|Time)");
  private static final ObjectMapper JSON = new ObjectMapper();

  public BftGenesis {
    if (chainId <= 0) {
      throw new IllegalArgumentException("chain ID must be positive, got " + chainId);
    }
    if (consensus == null) {
      throw new IllegalArgumentException("consensus is missing");
    }
    milestones = new TreeMap<>(milestones == null ? Map.of() : milestones);
    for (Map.Entry<String, Long> m : milestones.entrySet()) {
      if (!MILESTONE.matcher(m.getKey()).matches()) {
        throw new IllegalArgumentException(
            "milestone '" + m.getKey() + "' is not a Besu milestone name (like berlinBlock or shanghaiTime)");
      }
      if (m.getValue() == null || m.getValue() < 0) {
        throw new IllegalArgumentException("milestone " + m.getKey() + " must be 0 or more");
      }
    }
    if (blockPeriodSeconds < 1) {
      throw new IllegalArgumentException("block period must be at least 1 second, got " + blockPeriodSeconds);
    }
    if (epochLength < 1) {
      throw new IllegalArgumentException("epoch length must be at least 1 block, got " + epochLength);
    }
    if (requestTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "request timeout must be at least 1 second, got " + requestTimeoutSeconds);
    }
    if (validators == null || validators.isEmpty()) {
      throw new IllegalArgumentException("a BFT genesis needs at least one validator");
    }
    List<NodeAddress> sorted = new ArrayList<>(validators);
    sorted.sort(null);
    validators = List.copyOf(sorted);
    if (gasLimit == null || gasLimit.signum() <= 0) {
      throw new IllegalArgumentException("gas limit must be positive");
    }
    if (difficulty == null || difficulty.signum() < 0) {
      throw new IllegalArgumentException("difficulty must not be negative");
    }
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must not be negative");
    }
    alloc = normalizeAlloc(alloc == null ? JsonNodeFactory.instance.objectNode() : alloc);
    // Checks the validators the same way the extraData will be written.
    BftExtraData.forGenesis(validators);
  }

  /** A QBFT genesis with this project's defaults (those of Besu's QBFT tutorial). */
  public static BftGenesis qbft(long chainId, Collection<NodeAddress> validators) {
    return new BftGenesis(
        chainId,
        BftConsensus.QBFT,
        new TreeMap<>(Map.of("berlinBlock", 0L)),
        DEFAULT_BLOCK_PERIOD_SECONDS,
        DEFAULT_EPOCH_LENGTH,
        DEFAULT_REQUEST_TIMEOUT_SECONDS,
        List.copyOf(validators),
        DEFAULT_GAS_LIMIT,
        BigInteger.ONE,
        0,
        null);
  }

  public BftGenesis withTiming(int blockPeriodSeconds, long epochLength, int requestTimeoutSeconds) {
    return new BftGenesis(chainId, consensus, milestones, blockPeriodSeconds, epochLength,
        requestTimeoutSeconds, validators, gasLimit, difficulty, timestamp, alloc);
  }

  public BftGenesis withAlloc(ObjectNode alloc) {
    return new BftGenesis(chainId, consensus, milestones, blockPeriodSeconds, epochLength,
        requestTimeoutSeconds, validators, gasLimit, difficulty, timestamp, alloc);
  }

  public BftGenesis withMilestones(Map<String, Long> milestones) {
    return new BftGenesis(chainId, consensus, new TreeMap<>(milestones), blockPeriodSeconds,
        epochLength, requestTimeoutSeconds, validators, gasLimit, difficulty, timestamp, alloc);
  }

  public BftGenesis withGasLimit(BigInteger gasLimit) {
    return new BftGenesis(chainId, consensus, milestones, blockPeriodSeconds, epochLength,
        requestTimeoutSeconds, validators, gasLimit, difficulty, timestamp, alloc);
  }

  public BftExtraData extraData() {
    return BftExtraData.forGenesis(validators);
  }

  /** The genesis.json bytes (UTF-8, two-space indent, {@code \n} line ends, final newline). */
  public byte[] render() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    ObjectNode config = root.putObject("config");
    config.put("chainId", chainId);
    milestones.forEach(config::put);
    ObjectNode bft = config.putObject(consensus.genesisKey());
    bft.put("blockperiodseconds", blockPeriodSeconds);
    bft.put("epochlength", epochLength);
    bft.put("requesttimeoutseconds", requestTimeoutSeconds);
    root.put("nonce", "0x0");
    root.put("timestamp", "0x" + Long.toHexString(timestamp));
    root.put("gasLimit", "0x" + gasLimit.toString(16));
    root.put("difficulty", "0x" + difficulty.toString(16));
    root.put("mixHash", BFT_MIX_HASH);
    root.put("coinbase", "0x0000000000000000000000000000000000000000");
    root.set("alloc", alloc.deepCopy());
    root.put("extraData", extraData().toHex(consensus));
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return (JSON.writer(printer).writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write genesis JSON", e);
    }
  }

  /**
   * Reads a Besu genesis.json of a QBFT or IBFT 2.0 network, including the validators in its
   * extraData. Fields this model does not carry are not kept: share the exact bytes, never a
   * re-rendering of what was read.
   */
  public static BftGenesis parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("genesis is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("genesis is not a JSON object");
    }
    JsonNode config = root.get("config");
    if (config == null || !config.isObject()) {
      throw new IllegalArgumentException("genesis has no config object");
    }
    JsonNode chainIdNode = config.get("chainId");
    if (chainIdNode == null || !chainIdNode.canConvertToExactIntegral()) {
      throw new IllegalArgumentException("genesis config has no integer chainId");
    }
    boolean qbft = config.has("qbft");
    boolean ibft2 = config.has("ibft2");
    if (qbft == ibft2) {
      throw new IllegalArgumentException(
          qbft ? "genesis config names both qbft and ibft2" : "genesis config names neither qbft nor ibft2");
    }
    BftConsensus consensus = qbft ? BftConsensus.QBFT : BftConsensus.IBFT2;
    JsonNode options = config.get(consensus.genesisKey());
    if (!options.isObject()) {
      throw new IllegalArgumentException("genesis config " + consensus.genesisKey() + " is not an object");
    }
    SortedMap<String, Long> milestones = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (MILESTONE.matcher(e.getKey()).matches() && e.getValue().canConvertToExactIntegral()) {
        milestones.put(e.getKey(), e.getValue().asLong());
      }
    }
    JsonNode extra = root.get("extraData");
    if (extra == null || !extra.isTextual()) {
      throw new IllegalArgumentException("genesis has no extraData");
    }
    BftExtraData extraData = BftExtraData.decodeHex(consensus, extra.asText());
    return new BftGenesis(
        chainIdNode.asLong(),
        consensus,
        milestones,
        intOption(options, "blockperiodseconds", BESU_DEFAULT_BLOCK_PERIOD),
        longOption(options, "epochlength", BESU_DEFAULT_EPOCH_LENGTH),
        intOption(options, "requesttimeoutseconds", BESU_DEFAULT_REQUEST_TIMEOUT),
        extraData.validators(),
        quantity(root, "gasLimit", BigInteger.ZERO),
        quantity(root, "difficulty", BigInteger.ONE),
        quantity(root, "timestamp", BigInteger.ZERO).longValueExact(),
        root.get("alloc") instanceof ObjectNode a ? a : null);
  }

  private static int intOption(JsonNode options, String name, int fallback) {
    JsonNode n = options.get(name);
    if (n == null) {
      return fallback;
    }
    if (!n.canConvertToInt()) {
      throw new IllegalArgumentException("genesis option " + name + " is not an integer");
    }
    return n.asInt();
  }

  private static long longOption(JsonNode options, String name, long fallback) {
    JsonNode n = options.get(name);
    if (n == null) {
      return fallback;
    }
    if (!n.canConvertToExactIntegral()) {
      throw new IllegalArgumentException("genesis option " + name + " is not an integer");
    }
    return n.asLong();
  }

  private static BigInteger quantity(JsonNode root, String name, BigInteger fallback) {
    JsonNode n = root.get(name);
    if (n == null) {
      return fallback;
    }
    String text = n.asText().strip().toLowerCase(Locale.ROOT);
    try {
      return text.startsWith("0x") ? new BigInteger(text.substring(2), 16) : new BigInteger(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("genesis " + name + " '" + n.asText() + "' is not a number");
    }
  }

  /** Reads an alloc object (address to account) from JSON, e.g. a file given on the command line. */
  public static ObjectNode parseAlloc(byte[] json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("alloc is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (!(node instanceof ObjectNode o)) {
      throw new IllegalArgumentException("alloc must be a JSON object of address to account");
    }
    return o;
  }

  // Addresses become lowercase without 0x and every object's keys are sorted, so that two
  // organizations giving the same accounts in another order or case render the same bytes.
  private static ObjectNode normalizeAlloc(ObjectNode alloc) {
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = alloc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String address;
      try {
        address = NodeAddress.parse(e.getKey()).hex().substring(2);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("alloc key '" + e.getKey() + "' is not an address");
      }
      if (!e.getValue().isObject()) {
        throw new IllegalArgumentException("alloc entry " + e.getKey() + " is not an account object");
      }
      if (sorted.put(address, sortKeys(e.getValue())) != null) {
        throw new IllegalArgumentException("alloc names account " + address + " twice");
      }
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    sorted.forEach(out::set);
    return out;
  }

  private static JsonNode sortKeys(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      node.fields().forEachRemaining(e -> sorted.put(e.getKey(), sortKeys(e.getValue())));
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      sorted.forEach(out::set);
      return out;
    }
    return node.deepCopy();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
