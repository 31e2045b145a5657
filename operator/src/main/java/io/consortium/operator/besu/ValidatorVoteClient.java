package io.consortium.operator.besu;

import io.consortium.operator.besu.BesuNodeException.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.OkHttpClient;
import org.web3j.protocol.besu.Besu;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;

/**
 * Votes on the validator set through one's own Besu validator node, over web3j's besu module.
 * Votes are local to the node (Besu's VoteProposer): each organization votes with its own nodes,
 * and {@link #pendingVotes()} shows this node's proposals only. Every failure is a
 * {@link BesuNodeException} with a named reason.
 */
public final class ValidatorVoteClient implements AutoCloseable {

  private final Besu besu;
  private final String endpoint;

  private ValidatorVoteClient(Besu besu, String endpoint) {
    this.besu = besu;
    this.endpoint = endpoint;
  }

  /** A client of the node's HTTP JSON-RPC endpoint, e.g. {@code http://besu-0:8545}. */
  public static ValidatorVoteClient connect(URI rpcUrl, Duration timeout) {
    String scheme = rpcUrl.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || rpcUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "JSON-RPC URL '" + rpcUrl + "' must be http:// or https:// with a host");
    }
    OkHttpClient http =
        new OkHttpClient.Builder()
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .callTimeout(timeout.multipliedBy(2))
            .build();
    return new ValidatorVoteClient(Besu.build(new HttpService(rpcUrl.toString(), http)), rpcUrl.toString());
  }

  /** Asks this node to vote to add or remove {@code validator} in the blocks it proposes. */
  public void propose(ValidatorChange change) {
    send(
        "qbft_proposeValidatorVote",
        besu.qbftProposeValidatorVote(change.validator().hex(), change.kind().asAuthFlag()));
  }

  /** Withdraws this node's pending vote about {@code validator}. */
  public void discard(NodeAddress validator) {
    send("qbft_discardValidatorVote", besu.qbftDiscardValidatorVote(validator.hex()));
  }

  /** This node's own pending votes, by address. */
  public Map<NodeAddress, VoteKind> pendingVotes() {
    Map<String, Boolean> raw = send("qbft_getPendingVotes", besu.qbftGetPendingVotes());
    Map<NodeAddress, VoteKind> votes = new TreeMap<>();
    if (raw == null) {
      throw malformed("qbft_getPendingVotes", "no result");
    }
    for (Map.Entry<String, Boolean> e : raw.entrySet()) {
      if (e.getValue() == null) {
        throw malformed("qbft_getPendingVotes", "vote for " + e.getKey() + " is not true or false");
      }
      votes.put(parseAddress("qbft_getPendingVotes", e.getKey()), VoteKind.fromAuthFlag(e.getValue()));
    }
    return votes;
  }

  /** The validators at the latest block, ascending. */
  public List<NodeAddress> validatorsAtLatestBlock() {
    List<String> raw =
        send(
            "qbft_getValidatorsByBlockNumber",
            besu.qbftGetValidatorsByBlockNumber(DefaultBlockParameterName.LATEST));
    if (raw == null) {
      throw malformed("qbft_getValidatorsByBlockNumber", "no result");
    }
    List<NodeAddress> out = new ArrayList<>();
    for (String a : raw) {
      out.add(parseAddress("qbft_getValidatorsByBlockNumber", a));
    }
    out.sort(null);
    return out;
  }

  private <T, R extends Response<T>> T send(String method, Request<?, R> request) {
    R response;
    try {
      response = request.send();
    } catch (ConnectException e) {
      throw new BesuNodeException(
          Reason.CONNECTION_REFUSED, "connection refused by " + endpoint + " (" + method + "): is the node running?");
    } catch (InterruptedIOException e) {
      throw new BesuNodeException(Reason.TIMEOUT, "no answer from " + endpoint + " to " + method + " in time");
    } catch (UnknownHostException e) {
      throw new BesuNodeException(Reason.UNKNOWN_HOST, "unknown host in " + endpoint);
    } catch (ClientConnectionException e) {
      // web3j's HttpService reports a non-200 status this way: "Invalid response received: <code>; <body>".
      throw new BesuNodeException(
          Reason.HTTP_ERROR, endpoint + " answered " + method + " with " + oneLine(e.getMessage()));
    } catch (IOException e) {
      if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException
          || e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        throw malformed(method, "the answer is not JSON-RPC");
      }
      throw new BesuNodeException(
          Reason.CONNECTION_DROPPED,
          "connection to " + endpoint + " closed before it answered " + method + " (" + oneLine(e.getMessage()) + ")");
    } catch (RuntimeException e) {
      throw malformed(method, oneLine(e.getMessage()));
    }
    if (response == null) {
      throw malformed(method, "empty answer");
    }
    if (response.hasError()) {
      Response.Error error = response.getError();
      int code = error.getCode();
      String message = error.getMessage();
      if (code == -32604) {
        throw new BesuNodeException(
            Reason.METHOD_NOT_ENABLED,
            method + " is not enabled on " + endpoint + " (" + message + "): add QBFT to the node's --rpc-http-api");
      }
      if (code == -32601) {
        throw new BesuNodeException(
            Reason.METHOD_NOT_FOUND,
            endpoint + " does not know " + method + " (" + message + "): is it a Besu QBFT node?");
      }
      throw new BesuNodeException(
          Reason.JSON_RPC_ERROR, endpoint + " refused " + method + ": " + message + " (code " + code + ")");
    }
    return response.getResult();
  }

  private NodeAddress parseAddress(String method, String text) {
    try {
      return NodeAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw malformed(method, e.getMessage());
    }
  }

  private BesuNodeException malformed(String method, String detail) {
    return new BesuNodeException(
        Reason.MALFORMED_RESPONSE, endpoint + " gave an unexpected answer to " + method + ": " + detail);
  }

  private static String oneLine(String s) {
    return s == null ? "no detail" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  @Override
  public void close() {
    besu.shutdown();
  }
}
