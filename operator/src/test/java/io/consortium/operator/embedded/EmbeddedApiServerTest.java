package io.consortium.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server answers as a real one would where a client can tell: names it must refuse,
 * conflicts and missing objects named, lists typed, bodies in the formats kubectl sends.
 */
class EmbeddedApiServerTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEYSHARES = "/apis/consortium.io/v1alpha1/namespaces/default/keyshares";
  static EmbeddedApiServer server;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = EmbeddedApiServer.start(0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void a_name_a_real_server_refuses_is_refused_with_its_message_and_not_stored() throws Exception {
    for (String name : new String[] {"Org2-Admin", "schlüssel", "a_b", "-leading", "x".repeat(254)}) {
      Answer answer = send("POST", KEYSHARES, "application/json", keyShare(name));

      assertThat(answer.code()).as(name).isEqualTo(422);
      assertThat(answer.json().path("reason").asText()).isEqualTo("Invalid");
      assertThat(answer.json().path("details").path("name").asText()).isEqualTo(name);
      assertThat(answer.json().path("details").path("causes").get(0).path("field").asText()).isEqualTo("metadata.name");
      assertThat(send("GET", KEYSHARES, null, null).json().path("items").toString()).doesNotContain(name);
    }
    assertThat(send("POST", KEYSHARES, "application/json", keyShare("Org2-Admin")).json().path("message").asText())
        .isEqualTo("KeyShare.consortium.io \"Org2-Admin\" is invalid: metadata.name: Invalid value: \"Org2-Admin\":"
            + " a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must"
            + " start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is"
            + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    assertThat(send("POST", KEYSHARES, "application/json", keyShare("x".repeat(254))).json().path("message").asText())
        .contains("must be no more than 253 characters");
    assertThat(send("POST", KEYSHARES, "application/json", keyShare("org2.admin-cert")).code())
        .as("dots are allowed in a subdomain").isEqualTo(201);
  }

  @Test
  void namespaces_and_services_take_labels_and_labels_take_qualified_names() throws Exception {
    assertThat(send("POST", "/api/v1/namespaces", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"org1.example\"}}").json()
        .path("message").asText()).contains("a lowercase RFC 1123 label must consist of");
    assertThat(send("POST", "/api/v1/namespaces/default/services", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"1basic\"}}").json()
        .path("message").asText()).contains("a DNS-1035 label must consist of");
    Answer label = send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"labels\":{\"from\":\""
            + "p".repeat(64) + "\"}}}");
    assertThat(label.code()).isEqualTo(422);
    assertThat(label.json().path("message").asText()).contains("metadata.labels: Invalid value:")
        .contains("must be no more than 63 characters");
  }

  @Test
  void a_second_create_names_the_object_that_exists() throws Exception {
    assertThat(send("POST", KEYSHARES, "application/json", keyShare("twice")).code()).isEqualTo(201);

    Answer again = send("POST", KEYSHARES, "application/json", keyShare("twice"));

    assertThat(again.code()).isEqualTo(409);
    assertThat(again.json().path("reason").asText()).isEqualTo("AlreadyExists");
    assertThat(again.json().path("message").asText()).isEqualTo("keyshares.consortium.io \"twice\" already exists");
    assertThat(again.json().path("details").path("name").asText()).isEqualTo("twice");
  }

  @Test
  void a_stale_update_and_a_missing_object_are_named() throws Exception {
    JsonNode created = send("POST", KEYSHARES, "application/json", keyShare("stale")).json();
    String stale = created.toString();
    send("PATCH", KEYSHARES + "/stale", "application/merge-patch+json", "{\"spec\":{\"to\":[\"org3\"]}}");

    Answer conflict = send("PUT", KEYSHARES + "/stale", "application/json", stale);

    assertThat(conflict.code()).isEqualTo(409);
    assertThat(conflict.json().path("reason").asText()).isEqualTo("Conflict");
    assertThat(conflict.json().path("message").asText()).startsWith(
        "Operation cannot be fulfilled on keyshares.consortium.io \"stale\": the object has been modified");
    Answer missing = send("GET", KEYSHARES + "/nothing-here", null, null);
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.json().path("message").asText()).isEqualTo("keyshares.consortium.io \"nothing-here\" not found");
    assertThat(send("DELETE", "/api/v1/namespaces/default/secrets/nothing-here", null, null).json().path("message")
        .asText()).isEqualTo("secrets \"nothing-here\" not found");
  }

  @Test
  void a_list_is_typed_and_carries_the_resource_version_of_the_store() throws Exception {
    JsonNode created = send("POST", KEYSHARES, "application/json", keyShare("listed")).json();

    JsonNode list = send("GET", KEYSHARES, null, null).json();

    assertThat(list.path("kind").asText()).isEqualTo("KeyShareList");
    assertThat(list.path("apiVersion").asText()).isEqualTo("consortium.io/v1alpha1");
    assertThat(list.path("metadata").path("resourceVersion").asLong())
        .isGreaterThanOrEqualTo(created.path("metadata").path("resourceVersion").asLong());
    assertThat(send("GET", "/api/v1/namespaces/default/events", null, null).json().path("kind").asText())
        .isEqualTo("EventList");
  }

  @Test
  void a_secret_sent_as_protobuf_as_kubectl_create_sends_it_is_stored_as_json() throws Exception {
    byte[] secret = new ProtoWriter()
        .message(1, new ProtoWriter().string(1, "invitation-from-org1")
            .message(11, new ProtoWriter().string(1, "consortium.io/from").string(2, "org1")))
        .message(2, new ProtoWriter().string(1, "invitation").string(2, "eyJhbGciOiJFUzI1NiJ9"))
        .string(3, "Opaque")
        .toByteArray();
    byte[] envelope = envelope("v1", "Secret", secret);

    Answer created = send("POST", "/api/v1/namespaces/default/secrets", KubernetesProtobuf.MEDIA_TYPE, envelope);

    assertThat(created.code()).isEqualTo(201);
    assertThat(created.contentType()).startsWith("application/json");
    JsonNode stored = send("GET", "/api/v1/namespaces/default/secrets/invitation-from-org1", null, null).json();
    assertThat(stored.path("type").asText()).isEqualTo("Opaque");
    assertThat(stored.path("metadata").path("labels").path("consortium.io/from").asText()).isEqualTo("org1");
    assertThat(new String(Base64.getDecoder().decode(stored.path("data").path("invitation").asText()),
        StandardCharsets.UTF_8)).isEqualTo("eyJhbGciOiJFUzI1NiJ9");
  }

  @Test
  void a_kind_not_read_from_protobuf_is_refused_with_what_to_do_instead() throws Exception {
    Answer refused = send("POST", "/apis/apps/v1/namespaces/default/deployments", KubernetesProtobuf.MEDIA_TYPE,
        envelope("apps/v1", "Deployment", new ProtoWriter().message(1, new ProtoWriter().string(1, "d")).toByteArray()));

    assertThat(refused.code()).isEqualTo(415);
    assertThat(refused.json().path("message").asText()).contains("Deployment").contains("--dry-run=client -o yaml");
  }

  @Test
  void a_strategic_merge_patch_is_applied_where_it_equals_a_merge_patch_and_refused_where_it_does_not()
      throws Exception {
    send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"genesis\"},\"data\":{\"a\":\"1\"}}");

    Answer merged = send("PATCH", "/api/v1/namespaces/default/configmaps/genesis",
        "application/strategic-merge-patch+json", "{\"data\":{\"b\":\"2\"}}");
    Answer withList = send("PATCH", "/api/v1/namespaces/default/configmaps/genesis",
        "application/strategic-merge-patch+json", "{\"metadata\":{\"finalizers\":[\"x\"]}}");

    assertThat(merged.code()).isLessThan(300);
    assertThat(send("GET", "/api/v1/namespaces/default/configmaps/genesis", null, null).json().path("data").toString())
        .isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    assertThat(withList.code()).isEqualTo(415);
    assertThat(withList.json().path("message").asText()).contains("--type merge");
  }

  @Test
  void a_merge_patch_replaces_a_list_and_null_removes_a_field_as_rfc_7386_says() throws Exception {
    send("POST", KEYSHARES, "application/json", keyShare("merged").replace("\"to\":[\"org2\"]",
        "\"to\":[\"org2\"],\"usage\":\"Admin\""));

    send("PATCH", KEYSHARES + "/merged", "application/merge-patch+json",
        "{\"spec\":{\"to\":[\"org3\",\"org4\"],\"usage\":null}}");

    JsonNode spec = send("GET", KEYSHARES + "/merged", null, null).json().path("spec");
    assertThat(spec.path("to").toString()).isEqualTo("[\"org3\",\"org4\"]");
    assertThat(spec.has("usage")).isFalse();
    assertThat(spec.has("generate")).as("what the patch does not name stays").isTrue();
  }

  @Test
  void an_object_etcd_would_refuse_is_refused_as_a_real_server_refuses_it() throws Exception {
    String big = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\""
        + "x".repeat(1600 * 1024) + "\"}}";
    String fits = big.replace("\"big\"", "\"fits\"").replace("x".repeat(1600 * 1024), "x".repeat(1024 * 1024));

    Answer refused = send("POST", "/api/v1/namespaces/default/configmaps", "application/json", big);

    assertThat(refused.code()).isEqualTo(500);
    assertThat(refused.json().path("message").asText()).isEqualTo("etcdserver: request is too large");
    assertThat(send("GET", "/api/v1/namespaces/default/configmaps/big", null, null).code()).isEqualTo(404);
    assertThat(send("POST", "/api/v1/namespaces/default/configmaps", "application/json", fits).code())
        .as("1 MiB is stored, as on a real server").isEqualTo(201);
  }

  static byte[] envelope(String apiVersion, String kind, byte[] raw) {
    byte[] unknown = new ProtoWriter().message(1, new ProtoWriter().string(1, apiVersion).string(2, kind))
        .bytes(2, raw).toByteArray();
    byte[] out = new byte[unknown.length + 4];
    out[0] = 'k';
    out[1] = '8';
    out[2] = 's';
    System.arraycopy(unknown, 0, out, 4, unknown.length);
    return out;
  }

  static String keyShare(String name) {
    return "{\"apiVersion\":\"consortium.io/v1alpha1\",\"kind\":\"KeyShare\",\"metadata\":{\"name\":"
        + JSON.valueToTree(name) + "},\"spec\":{\"to\":[\"org2\"],\"generate\":{}}}";
  }

  record Answer(int code, String body, String contentType) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  static Answer send(String method, String path, String contentType, Object body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path));
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : body instanceof byte[] bytes ? HttpRequest.BodyPublishers.ofByteArray(bytes)
        : HttpRequest.BodyPublishers.ofString((String) body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.header("Accept", "application/json");
    HttpResponse<String> response = http.send(request.method(method, publisher).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body(), response.headers().firstValue("Content-Type").orElse(""));
  }
}
