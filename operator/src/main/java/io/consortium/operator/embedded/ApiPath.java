package io.consortium.operator.embedded;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A resource request's path, read as a real API server reads it:
 * {@code /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]} or {@code /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/SUB]]}.
 * {@code group} is empty for the core group; {@code plural} is null when the path names no resource
 * (discovery, {@code /version}, OpenAPI).
 */
public record ApiPath(String group, String version, String namespace, String plural, String name, String subresource,
    String query) {

  public static ApiPath parse(String path) {
    int q = path.indexOf('?');
    String query = q < 0 ? "" : path.substring(q + 1);
    String[] parts = (q < 0 ? path : path.substring(0, q)).split("/");
    int i;
    String group;
    String version;
    if (parts.length > 2 && "api".equals(parts[1])) {
      group = "";
      version = parts[2];
      i = 3;
    } else if (parts.length > 3 && "apis".equals(parts[1])) {
      group = parts[2];
      version = parts[3];
      i = 4;
    } else {
      return new ApiPath(null, null, null, null, null, null, query);
    }
    String namespace = null;
    // /namespaces/NS/... is a namespaced resource; /namespaces and /namespaces/NS alone are the namespaces themselves.
    if (parts.length > i + 2 && "namespaces".equals(parts[i])) {
      namespace = decode(parts[i + 1]);
      i += 2;
    }
    String plural = parts.length > i ? parts[i] : null;
    String name = parts.length > i + 1 ? decode(parts[i + 1]) : null;
    String subresource = parts.length > i + 2 ? parts[i + 2] : null;
    return new ApiPath(group, version, namespace, plural, name, subresource, query);
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  public boolean isResource() {
    return plural != null;
  }

  public boolean isWatch() {
    return query.contains("watch=true") || query.contains("watch=1");
  }

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** How a real server names the resource in messages: {@code secrets}, {@code keyshares.consortium.io}. */
  public String qualifiedResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** The collection this path's object lives in, without name, subresource or query. */
  public String collection() {
    return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version)
        + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + plural;
  }
}
