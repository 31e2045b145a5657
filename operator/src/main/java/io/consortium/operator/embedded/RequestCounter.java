package io.consortium.operator.embedded;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests an embedded API server answers, by client (the User-Agent's product), verb
 * and resource, so that a benchmark can say what one share costs the API server. One map lookup and
 * one increment per request; the path is reduced to its resource (and subresource), never kept.
 * It also keeps which accesses each client made, as RBAC names them, so that a test can hold what the
 * operator does against what its Role grants.
 */
public final class RequestCounter {

  /** What a request was, as far as cost goes. */
  public record Key(String client, String verb, String resource) {

    public boolean isWrite() {
      return switch (verb) {
        case "create", "update", "patch", "delete" -> true;
        default -> false;
      };
    }

    public boolean isWatch() {
      return verb.equals("watch");
    }
  }

  /** One access as an RBAC rule grants it: API group ("" for core), resource[/subresource], verb. */
  public record Access(String client, String group, String resource, String verb) {

    /** "group/resource verb", as the packaging tests list a Role's grants. */
    public String grant() {
      return group + "/" + resource + " " + verb;
    }
  }

  /** A request as it reached the server, while a trace runs. */
  public record Traced(long nanoTime, Key key, String path) {}

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private final Set<Access> accesses = ConcurrentHashMap.newKeySet();
  /** Null unless a trace runs: then every request is also kept, with the time it arrived. */
  private volatile List<Traced> trace;

  void record(String method, String path, String userAgent) {
    Key key = key(method, path, userAgent);
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    ApiPath target = ApiPath.parse(path);
    if (target.isResource()) {
      accesses.add(new Access(key.client(), target.group(), target.plural()
          + (target.subresource() == null ? "" : "/" + target.subresource()), rbacVerb(method, target)));
    }
    List<Traced> tracing = trace;
    if (tracing != null) {
      int query = path.indexOf('?');
      tracing.add(new Traced(System.nanoTime(), key, query < 0 ? path : path.substring(0, query)));
    }
  }

  /** Keeps every request from now on, with its arrival time, until {@link #stopTrace()}: for a latency breakdown. */
  public void startTrace() {
    trace = Collections.synchronizedList(new ArrayList<>());
  }

  /** The requests kept since {@link #startTrace()}, in arrival order; stops keeping them. */
  public List<Traced> stopTrace() {
    List<Traced> kept = trace;
    trace = null;
    if (kept == null) {
      return List.of();
    }
    synchronized (kept) {
      return List.copyOf(kept);
    }
  }

  /** Every distinct access so far. */
  public Set<Access> accesses() {
    return Set.copyOf(accesses);
  }

  /** The verb an authorizer checks for this request. */
  static String rbacVerb(String method, ApiPath target) {
    boolean named = target.name() != null;
    return switch (method) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> target.isWatch() ? "watch" : named ? "get" : "list";
    };
  }

  /** The counts so far. */
  public Map<Key, Long> snapshot() {
    Map<Key, Long> copy = new TreeMap<>(java.util.Comparator.comparing(Key::client).thenComparing(Key::resource)
        .thenComparing(Key::verb));
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  static Key key(String method, String path, String userAgent) {
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    boolean watch = query >= 0 && path.indexOf("watch=true", query) > 0;
    String client = userAgent == null || userAgent.isBlank() ? "unknown"
        : userAgent.split("[/ ]", 2)[0];
    String[] parts = bare.split("/");
    // /api/v1[/namespaces/ns]/plural[/name[/sub]] or /apis/group/version[/namespaces/ns]/plural[/name[/sub]]
    int first = parts.length > 1 && "apis".equals(parts[1]) ? 4 : 3;
    if (parts.length > first + 1 && "namespaces".equals(parts[first]) && parts.length > first + 2) {
      first += 2;
    }
    String resource = parts.length > first ? parts[first] : bare;
    boolean named = parts.length > first + 1;
    if (parts.length > first + 2) {
      resource += "/" + parts[first + 2];
    }
    String verb = switch (method) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> watch ? "watch" : named ? "get" : "list";
    };
    return new Key(client, verb, resource);
  }
}
