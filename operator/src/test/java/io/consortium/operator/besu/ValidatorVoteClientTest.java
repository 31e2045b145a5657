package io.consortium.operator.besu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.consortium.operator.besu.BesuNodeException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ValidatorVoteClientTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final NodeAddress V1 = BftExtraDataTest.small(1);
  static final NodeAddress V2 = BftExtraDataTest.small(2);
  static final NodeAddress V3 = BftExtraDataTest.small(3);
  static final NodeAddress NEW = BftExtraDataTest.small(4);

  /**
   * A stand-in Besu node on loopback: it knows the qbft_* methods with the parameters Besu reads
   * (QbftProposeValidatorVote: address, boolean; QbftDiscardValidatorVote: address;
   * QbftGetPendingVotes: none; QbftGetValidatorsByBlockNumber: block parameter) and answers in
   * Besu's shapes, including its errors: -32601 Method not found, -32602 Invalid params and
   * -32604 Method not enabled when the QBFT API is not in --rpc-http-api.
   */
  static final class FakeBesuNode implements AutoCloseable {
    final HttpServer server;
    final List<String> methodsCalled = new ArrayList<>();
    final Map<String, Boolean> proposals = new TreeMap<>();
    final TreeSet<String> validators = new TreeSet<>(List.of(V1.hex(), V2.hex(), V3.hex()));
    volatile boolean qbftApiEnabled = true;

    FakeBesuNode() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      ObjectNode response = JSON.createObjectNode();
      response.put("jsonrpc", "2.0");
      response.set("id", request.get("id"));
      String method = request.path("method").asText();
      JsonNode params = request.path("params");
      synchronized (this) {
        methodsCalled.add(method);
        if (!request.path("jsonrpc").asText().equals("2.0") || !params.isArray()) {
          error(response, -32600, "Invalid Request");
        } else if (!method.startsWith("qbft_")) {
          error(response, -32601, "Method not found");
        } else if (!qbftApiEnabled) {
          error(response, -32604, "Method not enabled");
        } else {
          answer(method, (ArrayNode) params, response);
        }
      }
      byte[] body = JSON.writeValueAsBytes(response);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }

    private void answer(String method, ArrayNode params, ObjectNode response) {
      switch (method) {
        case "qbft_proposeValidatorVote" -> {
          if (params.size() != 2 || !isAddress(params.get(0)) || !params.get(1).isBoolean()) {
            error(response, -32602, "Invalid params");
            return;
          }
          proposals.put(params.get(0).asText(), params.get(1).asBoolean());
          response.put("result", true);
        }
        case "qbft_discardValidatorVote" -> {
          if (params.size() != 1 || !isAddress(params.get(0))) {
            error(response, -32602, "Invalid params");
            return;
          }
          proposals.remove(params.get(0).asText());
          response.put("result", true);
        }
        case "qbft_getPendingVotes" -> {
          if (!params.isEmpty()) {
            error(response, -32602, "Invalid number of params");
            return;
          }
          ObjectNode result = response.putObject("result");
          proposals.forEach(result::put);
        }
        case "qbft_getValidatorsByBlockNumber" -> {
          if (params.size() != 1 || !params.get(0).asText().equals("latest")) {
            error(response, -32602, "Invalid block number params");
            return;
          }
          ArrayNode result = response.putArray("result");
          validators.forEach(result::add);
        }
        default -> error(response, -32601, "Method not found");
      }
    }

    private static boolean isAddress(JsonNode n) {
      return n.isTextual() && n.asText().matches("0x[0-9a-f]{40}");
    }

    private static void error(ObjectNode response, int code, String message) {
      ObjectNode error = response.putObject("error");
      error.put("code", code);
      error.put("message", message);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  FakeBesuNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  ValidatorVoteClient clientOf(URI url) {
    return ValidatorVoteClient.connect(url, Duration.ofSeconds(5));
  }

  @Test
  void org1ProposesAddingAFourthValidatorAndSeesItAmongItsPendingVotes() throws Exception {
    node = new FakeBesuNode();
    try (ValidatorVoteClient client = clientOf(node.url())) {
      client.propose(ValidatorChange.add(NEW));
      client.propose(ValidatorChange.remove(V3));

      assertThat(client.pendingVotes()).containsExactly(Map.entry(V3, VoteKind.REMOVE), Map.entry(NEW, VoteKind.ADD));
      assertThat(node.proposals).containsEntry(NEW.hex(), true).containsEntry(V3.hex(), false);
    }
    assertThat(node.methodsCalled)
        .containsExactly("qbft_proposeValidatorVote", "qbft_proposeValidatorVote", "qbft_getPendingVotes");
  }

  @Test
  void aDiscardedVoteLeavesTheNodesPendingVotes() throws Exception {
    node = new FakeBesuNode();
    try (ValidatorVoteClient client = clientOf(node.url())) {
      client.propose(ValidatorChange.add(NEW));
      client.discard(NEW);

      assertThat(client.pendingVotes()).isEmpty();
    }
    assertThat(node.methodsCalled).contains("qbft_discardValidatorVote");
  }

  @Test
  void theValidatorsAtTheLatestBlockFeedTheVoteStatus() throws Exception {
    node = new FakeBesuNode();
    try (ValidatorVoteClient client = clientOf(node.url())) {
      List<NodeAddress> before = client.validatorsAtLatestBlock();
      assertThat(before).containsExactly(V1, V2, V3);
      assertThat(VoteStatus.of(before, ValidatorChange.add(NEW), before, List.of(V1)).describe())
          .startsWith("pending: 1 of the needed 2 votes");

      node.validators.add(NEW.hex());
      List<NodeAddress> after = client.validatorsAtLatestBlock();
      assertThat(VoteStatus.of(before, ValidatorChange.add(NEW), after, List.of(V1, V2)))
          .isInstanceOf(VoteStatus.Applied.class);
    }
    assertThat(node.methodsCalled).containsOnly("qbft_getValidatorsByBlockNumber");
  }

  @Test
  void aNodeWithTheQbftApiOffAnswersMethodNotEnabled() throws Exception {
    node = new FakeBesuNode();
    node.qbftApiEnabled = false;
    try (ValidatorVoteClient client = clientOf(node.url())) {
      assertThatThrownBy(() -> client.propose(ValidatorChange.add(NEW)))
          .isInstanceOfSatisfying(BesuNodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.METHOD_NOT_ENABLED))
          .hasMessageContaining("qbft_proposeValidatorVote is not enabled")
          .hasMessageContaining("--rpc-http-api");
    }
  }

  @Test
  void aJsonRpcErrorComesBackWithItsCodeAndMessage() throws Exception {
    // A node that answers every call with Besu's -32000 internal failure shape.
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"error\":{\"code\":-32000,\"message\":\"Block not found\"}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (ValidatorVoteClient client = clientOf(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))) {
      assertThatThrownBy(client::validatorsAtLatestBlock)
          .isInstanceOfSatisfying(BesuNodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.JSON_RPC_ERROR))
          .hasMessageEndingWith("refused qbft_getValidatorsByBlockNumber: Block not found (code -32000)");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void nothingListeningIsConnectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (ValidatorVoteClient client = clientOf(URI.create("http://127.0.0.1:" + port))) {
      assertThatThrownBy(client::pendingVotes)
          .isInstanceOfSatisfying(BesuNodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONNECTION_REFUSED))
          .hasMessageStartingWith("connection refused by http://127.0.0.1:" + port);
    }
  }

  @Test
  void aConnectionDroppedBeforeTheAnswerIsNamedSo() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread dropper = new Thread(() -> {
        while (!s.isClosed()) {
          try (Socket c = s.accept()) {
            c.getInputStream().read(new byte[256]); // read part of the request, then hang up
          } catch (IOException e) {
            return;
          }
        }
      });
      dropper.setDaemon(true);
      dropper.start();
      try (ValidatorVoteClient client = clientOf(URI.create("http://127.0.0.1:" + s.getLocalPort()))) {
        assertThatThrownBy(() -> client.propose(ValidatorChange.add(NEW)))
            .isInstanceOfSatisfying(BesuNodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONNECTION_DROPPED))
            .hasMessageContaining("closed before it answered qbft_proposeValidatorVote");
      }
    }
  }

  @Test
  void anHttpErrorStatusIsNamedWithItsCode() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "Unauthorized".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (ValidatorVoteClient client = clientOf(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))) {
      assertThatThrownBy(client::pendingVotes)
          .isInstanceOfSatisfying(BesuNodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HTTP_ERROR))
          .hasMessageContaining("401");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anAnswerThatIsNotJsonRpcIsMalformed() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "<html>proxy error</html>".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (ValidatorVoteClient client = clientOf(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))) {
      assertThatThrownBy(client::validatorsAtLatestBlock)
          .isInstanceOfSatisfying(BesuNodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE))
          .hasMessageContaining("unexpected answer to qbft_getValidatorsByBlockNumber");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> clientOf(URI.create("ws://127.0.0.1:8546")))
        .hasMessageContaining("must be http:// or https://");
  }
}
