package io.consortium.operator.cli;

import static io.consortium.operator.testing.CliRun.run;

import io.consortium.operator.testing.CliRun.Run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BesuCommandsTest {

  // Public keys from hyperledger/besu besu/src/test/resources/operator/config_import_keys_qbft.json;
  // extraData expected by OperatorSubCommandTest.shouldCreateQbftExtraData.
  static final String KEY_1 =
      "0x9481ee2b34196827e8c4807ae29c2675c15d3641e482ab81cc0bc3ef535755b426b9f5c474213df28a563fab0bf0830b455ee8955b3faac93075422a6abf160d";
  static final String KEY_2 =
      "0xf9dff57fc0bae7cba6577d82caf40cf6d266afc2a212775eb45c2188ab30aeed01e724daf4203649d4aa7e30717bfeeaf0b4c30b5d651bad39bcae8429759889";
  static final String BESU_QBFT =
      "0xf84fa00000000000000000000000000000000000000000000000000000000000000000ea94d5feb0fc5a54a89f97aeb34c3df15397c19f6dd294d6a9a4c886eb008ac307abdc1f38745c1dd13a88c080c0";



  static void assertOneLineError(Run r, String contains) {
    assertThat(r.code()).isNotZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("error: ").contains(contains).doesNotContain("\tat ");
  }

  @Test
  void addressPrintsTheAddressThenTheEnodeId(@TempDir Path dir) throws Exception {
    Run fromKey = run("besu", "address", "--public-key", KEY_1);
    Path keyFile = dir.resolve("key");
    Files.writeString(keyFile, "0x0000000000000000000000000000000000000000000000000000000000000001");
    Run fromFile = run("besu", "address", "--node-key-file", keyFile.toString());

    assertThat(fromKey.code()).isZero();
    assertThat(fromKey.out().lines().toList())
        .containsExactly("0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2", KEY_1.substring(2));
    assertThat(fromFile.out().lines().findFirst()).contains("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    assertOneLineError(run("besu", "address", "--public-key", "0x1234"), "public key has 2 bytes");
    assertOneLineError(run("besu", "address", "--node-key-file", dir.resolve("missing").toString()), "no such file");
    assertThat(run("besu", "address").code()).isEqualTo(2);
  }

  @Test
  void extraDataPrintsWhatBesuWritesForTheSameKeys() {
    Run fromKeys = run("besu", "extra-data", "--public-keys", KEY_2 + "," + KEY_1);
    Run fromAddresses =
        run("besu", "extra-data", "--validators",
            "0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88,d5feb0fc5a54a89f97aeb34c3df15397c19f6dd2");
    // From RLPSubCommandTest: besu rlp encode keeps the order, and so does --keep-order.
    Run kept = run("besu", "extra-data", "--keep-order", "--consensus", "ibft2", "--validators",
        "be068f726a13c8d46c44be6ce9d275600e1735a4,5ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193");

    assertThat(fromKeys.out()).isEqualTo(BESU_QBFT + "\n");
    assertThat(fromAddresses.out()).isEqualTo(BESU_QBFT + "\n");
    assertThat(kept.out().strip())
        .isEqualTo("0xf853a00000000000000000000000000000000000000000000000000000000000000000ea94be068f726a13c8d"
            + "46c44be6ce9d275600e1735a4945ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193808400000000c0");
    assertOneLineError(run("besu", "extra-data", "--validators", "0x12"), "has 2 hex digits");
    assertOneLineError(run("besu", "extra-data", "--consensus", "clique", "--validators", "0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88"),
        "unknown consensus 'clique'");
  }

  @Test
  void decodeExtraDataPrintsTheValidatorsOneALine() {
    Run r = run("besu", "decode-extra-data", BESU_QBFT);

    assertThat(r.code()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly("0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2", "0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88");
    assertOneLineError(run("besu", "decode-extra-data", "0xc0"), "extraData has 0 fields");
  }

  @Test
  void genesisWritesTheSameBytesForTheSameInputsAndRefusesToOverwrite(@TempDir Path dir) throws Exception {
    Path alloc = dir.resolve("alloc.json");
    Files.writeString(alloc, "{\"fe3b557e8fb62b89f4916b721be55ceb828dbd73\": {\"balance\": \"0xad78ebc5ac6200000\"}}");
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");

    Run first = run("besu", "genesis", "--chain-id", "1337", "--public-keys", KEY_1 + "," + KEY_2,
        "--block-period", "5", "--epoch-length", "100", "--request-timeout", "10", "--alloc", alloc.toString(), "-o", a.toString());
    Run second = run("besu", "genesis", "--chain-id", "1337", "--validators",
        "0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88,0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2",
        "--block-period", "5", "--epoch-length", "100", "--request-timeout", "10", "--alloc", alloc.toString(), "-o", b.toString());

    assertThat(first.code()).isZero();
    assertThat(first.out()).startsWith("wrote " + a + ": chain ID 1337, 2 validators, sha256 ");
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    JsonNode json = new ObjectMapper().readTree(a.toFile());
    assertThat(json.get("extraData").asText()).isEqualTo(BESU_QBFT);
    assertThat(run("besu", "read-genesis", a.toString()).out().lines().toList())
        .containsExactly("chainId: 1337", "consensus: qbft", "blockperiodseconds: 5", "epochlength: 100",
            "requesttimeoutseconds: 10", "berlinBlock: 0", "validators:",
            "0xd5feb0fc5a54a89f97aeb34c3df15397c19f6dd2", "0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88");
    assertOneLineError(run("besu", "read-genesis", alloc.toString()), "genesis has no config object");
    assertThat(json.at("/config/qbft/blockperiodseconds").asInt()).isEqualTo(5);
    assertThat(json.at("/alloc/fe3b557e8fb62b89f4916b721be55ceb828dbd73/balance").asText()).isEqualTo("0xad78ebc5ac6200000");
    assertOneLineError(
        run("besu", "genesis", "--chain-id", "1337", "--public-keys", KEY_1, "-o", a.toString()), "output file exists");
    assertOneLineError(
        run("besu", "genesis", "--chain-id", "1", "--public-keys", KEY_1, "--block-period", "0", "-o", dir.resolve("c").toString()),
        "block period must be at least 1 second");
  }

  @Test
  void threeOrgsGetANetworkDefinitionAndOrg2GetsItsNodeFiles(@TempDir Path dir) throws Exception {
    Path genesis = dir.resolve("genesis.json");
    run("besu", "genesis", "--chain-id", "1337", "--public-keys", KEY_1 + "," + KEY_2, "-o", genesis.toString());
    String enode1 = run("besu", "enode", "--public-key", KEY_1, "--host", "10.0.0.1", "--port", "30303").out().strip();
    String enode2 = run("besu", "enode", "--public-key", KEY_2, "--host", "besu.org2.example", "--port", "30303").out().strip();
    Path network = dir.resolve("network.json");

    Run made = run("besu", "network", "--genesis", genesis.toString(), "--org", "org1=" + enode1, "--org", "org2=" + enode2,
        "--bootnode", enode1, "-o", network.toString());
    Run files = run("besu", "node-files", "--network", network.toString(), "--org", "org2", "-o", dir.resolve("org2").toString());

    assertThat(made.code()).as(made.err()).isZero();
    assertThat(enode1).isEqualTo("enode://" + KEY_1.substring(2) + "@10.0.0.1:30303");
    assertThat(files.code()).as(files.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("org2/genesis.json"))).isEqualTo(Files.readAllBytes(genesis));
    assertThat(Files.readString(dir.resolve("org2/static-nodes.json"))).isEqualTo("[\n  \"" + enode1 + "\"\n]\n");
    assertThat(Files.readString(dir.resolve("org2/permissions_config.toml")))
        .contains("nodes-allowlist=[\n  \"" + enode2 + "\",\n  \"" + enode1 + "\"\n]\n");
    assertThat(run("besu", "enode", "--check", enode2 + "?discport=30301").out().lines().toList())
        .containsExactly(enode2 + "?discport=30301", "0xd6a9a4c886eb008ac307abdc1f38745c1dd13a88");
    assertOneLineError(run("besu", "enode", "--check", "enode://abc@1.2.3.4:30303"), "has 3 hex digits");
    assertOneLineError(run("besu", "node-files", "--network", network.toString(), "--org", "org9", "-o", dir.toString()),
        "organization org9 is not part of this network definition");
  }

  @Test
  void voteStatusAnswersOffline() {
    String a = "0x" + "0".repeat(39) + "1";
    String b = "0x" + "0".repeat(39) + "2";
    String c = "0x" + "0".repeat(39) + "3";
    String d = "0x" + "0".repeat(39) + "4";

    Run pending = run("besu", "vote-status", "--before", a + "," + b + "," + c, "--change", "add:" + d,
        "--current", a + "," + b + "," + c, "--voted", a);
    Run applied = run("besu", "vote-status", "--before", a + "," + b + "," + c, "--change", "add:" + d,
        "--current", a + "," + b + "," + c + "," + d);

    assertThat(pending.out().strip()).isEqualTo("pending: 1 of the needed 2 votes cast by validators this node knows of (add " + d + ")");
    assertThat(applied.out().strip()).isEqualTo("applied: add " + d);
    assertOneLineError(run("besu", "vote-status", "--before", a, "--change", "grow:" + d, "--current", a), "must start with add: or remove:");
  }

  @Test
  void voteCommandsTalkToTheNodeAndNameItsFailures() throws Exception {
    List<String> seen = new ArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      JsonNode request = new ObjectMapper().readTree(exchange.getRequestBody());
      String method = request.get("method").asText();
      seen.add(method + " " + request.get("params"));
      String result = switch (method) {
        case "qbft_getPendingVotes" -> "{\"0x0000000000000000000000000000000000000004\":true}";
        case "qbft_getValidatorsByBlockNumber" -> "[\"0x0000000000000000000000000000000000000002\",\"0x0000000000000000000000000000000000000001\"]";
        default -> "true";
      };
      byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    String d = "0x0000000000000000000000000000000000000004";
    try {
      assertThat(run("besu", "vote", "propose", "--rpc-url", url, "add:" + d).out()).isEqualTo("proposed: add " + d + "\n");
      assertThat(run("besu", "vote", "pending", "--rpc-url", url).out()).isEqualTo("add " + d + "\n");
      assertThat(run("besu", "vote", "validators", "--rpc-url", url).out().lines().toList())
          .containsExactly("0x0000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000002");
      assertThat(run("besu", "vote", "discard", "--rpc-url", url, d).out()).isEqualTo("discarded: " + d + "\n");
    } finally {
      server.stop(0);
    }
    assertThat(seen).containsExactly(
        "qbft_proposeValidatorVote [\"" + d + "\",true]",
        "qbft_getPendingVotes []",
        "qbft_getValidatorsByBlockNumber [\"latest\"]",
        "qbft_discardValidatorVote [\"" + d + "\"]");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    assertOneLineError(run("besu", "vote", "pending", "--rpc-url", "http://127.0.0.1:" + closedPort), "connection refused");
  }

  @Test
  void theBesuGroupListsItsTools() {
    Run r = run("besu", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("address", "enode", "extra-data", "decode-extra-data", "genesis", "read-genesis", "network", "node-files",
            "vote-status", "vote");
  }
}
