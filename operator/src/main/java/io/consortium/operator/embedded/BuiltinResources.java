package io.consortium.operator.embedded;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in resources the embedded API server advertises: the ones this operator and its users touch. */
final class BuiltinResources {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  static final List<Map<String, Object>> CORE = List.of(
      resource("configmaps", "configmap", "ConfigMap", true, List.of("cm")),
      resource("events", "event", "Event", true, List.of("ev")),
      resource("namespaces", "namespace", "Namespace", false, List.of("ns")),
      resource("pods", "pod", "Pod", true, List.of("po")),
      resource("secrets", "secret", "Secret", true, List.of()),
      resource("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa")),
      resource("services", "service", "Service", true, List.of("svc")));

  static final Map<String, List<Map<String, Object>>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("apiextensions.k8s.io/v1", List.of(
        resource("customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false,
            List.of("crd", "crds"))));
    GROUPS.put("apps/v1", List.of(resource("deployments", "deployment", "Deployment", true, List.of("deploy"))));
    GROUPS.put("coordination.k8s.io/v1", List.of(resource("leases", "lease", "Lease", true, List.of())));
    GROUPS.put("events.k8s.io/v1", List.of(resource("events", "event", "Event", true, List.of("ev"))));
  }

  private BuiltinResources() {}

  /** The kind of a built-in resource ("v1", "secrets" -> "Secret"), or null. */
  static String kindOf(String groupVersion, String plural) {
    List<Map<String, Object>> resources = "v1".equals(groupVersion) ? CORE : GROUPS.get(groupVersion);
    if (resources == null) {
      return null;
    }
    return resources.stream().filter(r -> plural.equals(r.get("name"))).map(r -> (String) r.get("kind")).findFirst()
        .orElse(null);
  }

  private static Map<String, Object> resource(String plural, String singular, String kind, boolean namespaced,
      List<String> shortNames) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", plural);
    r.put("singularName", singular);
    r.put("namespaced", namespaced);
    r.put("kind", kind);
    r.put("verbs", VERBS);
    if (!shortNames.isEmpty()) {
      r.put("shortNames", shortNames);
    }
    return r;
  }
}
