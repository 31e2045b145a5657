package io.consortium.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.demo.DemoConsortium;
import io.consortium.operator.fabric.TestPki;
import io.consortium.operator.runtime.OperatorRuntime;
import io.consortium.operator.runtime.OperatorSettings;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.DocumentedCommands;
import io.consortium.operator.testing.DocumentedCommands.Command;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.Shares;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kubectl command of README.md and samples/README.md, run as written (only {@code /tmp} becomes
 * a directory of the test's own) with the real kubectl against embedded API servers. The walkthroughs
 * run in order against running operators, each command after the state the text says it waits for;
 * transcripts of longer stories (a real channel's config, key rollovers, day two of pairings) run
 * against clusters holding the objects they name. The last test fails if a documented kubectl command
 * ran nowhere. Skipped where kubectl is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlAgainstEmbeddedTest {

  static final String README = "README.md";
  static final String SAMPLES_README = "samples/README.md";
  static final Duration WAIT = Duration.ofSeconds(60);
  /** Commands of the docs that cannot run against an embedded API server, and why (the docs say so too). */
  static final Map<String, String> NOT_RUN = Map.of(
      "kubectl -n org1 create rolebinding alice-sharer --clusterrole=org1-sharer  --user=alice",
      "binds the chart's ClusterRoles on a real cluster: the embedded API server has no RBAC",
      "kubectl -n org1 create rolebinding bob-decider  --clusterrole=org1-decider --user=bob",
      "binds the chart's ClusterRoles on a real cluster: the embedded API server has no RBAC");
  /** Commands the docs give in running text rather than in a block: held to the docs' wording here. */
  static final Map<String, String> INLINE = Map.of(
      "kubectl --kubeconfig consortium-demo/org2.kubeconfig get shares,pairing,configmap", README,
      "kubectl -n org1 apply -f samples/org1/", SAMPLES_README);
  static final Set<String> RUN = ConcurrentHashMap.newKeySet();

  @TempDir static Path work;

  @BeforeAll
  static void kubectlInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/kubectl")) || onPath("kubectl"),
        "kubectl is not installed here: the documented commands are not checked");
  }

  @Test
  @Order(1)
  void the_tour_runs_as_written_and_kubectl_validates_what_it_applies() throws IOException {
    Path kubeconfig = work.resolve("consortium.kubeconfig");
    try (OperatorRuntime operator = embedded("default", "consortium", kubeconfig, null)) {
      Map<String, String> env = Map.of("KUBECONFIG", kubeconfig.toString());
      Map<String, Result> tour = runSection(README, "A short tour with kubectl", work, env, Map.of(
          "kubectl describe pairing org2", () -> awaitPhase(operator, "org2", PairingPhase.Invited)));
      assertThat(tour.get("kubectl get crd").stdout()).contains("peerpairings.consortium.io", "keyshares.consortium.io",
          "networkshares.consortium.io", "chaincodeshares.consortium.io", "configproposals.consortium.io",
          "consortiumnodes.consortium.io");
      assertThat(tour.get("kubectl get shares").stdout() + tour.get("kubectl get shares").stderr())
          .contains("No resources found");
      assertThat(tour.get("kubectl get pairing").stdout().lines().findFirst().orElseThrow())
          .contains("ROLE", "PEER", "PHASE", "FLOW", "REDEEMED", "ALLOWED", "INVITATION EXPIRES", "LAST SEEN", "AGE");
      assertThat(tour.get("kubectl describe pairing org2").stdout()).contains("InvitationIssued");
      assertThat(tour.get("kubectl get secret org2-invitation -o jsonpath='{.data.invitation}' | base64 -d").stdout())
          .as("a compact JWS").matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\s*");

      Files.writeString(work.resolve("misspelt.yaml"), """
          apiVersion: consortium.io/v1alpha1
          kind: PeerPairing
          metadata:
            name: org3
          spec:
            invite:
              expiresin: 48h
          """);
      Result misspelt = sh("kubectl apply -f misspelt.yaml", work, env);
      assertThat(misspelt.exitCode()).isNotZero();
      assertThat(misspelt.stderr()).contains("unknown field \"expiresin\" in io.consortium.v1alpha1.PeerPairing.spec.invite");
      Files.writeString(work.resolve("uppercase.yaml"), """
          apiVersion: consortium.io/v1alpha1
          kind: PeerPairing
          metadata:
            name: Org3
          spec:
            invite: {}
          """);
      Result uppercase = sh("kubectl apply -f uppercase.yaml", work, env);
      assertThat(uppercase.stderr()).contains("metadata.name: Invalid value: \"Org3\": a lowercase RFC 1123 subdomain");
      assertThat(sh("kubectl get pairing", work, env).stdout()).doesNotContain("org3", "Org3");
      assertThat(sh("kubectl explain keyshare.spec.source", work, env).stdout())
          .contains("KIND:       KeyShare", "Only the public part is ever sent");
      Result events = sh("kubectl events", work, env);
      assertThat(events.exitCode()).as(events.stderr()).isZero();
      assertThat(events.stdout()).contains("InvitationIssued");
    }
  }

  @Test
  @Order(2)
  void pairing_two_organizations_and_sharing_a_key_a_network_and_chaincode_run_as_written() {
    try (OperatorRuntime org1 = embedded("default", "org1", work.resolve("org1.kubeconfig"), work.resolve("org1-data"));
        OperatorRuntime org2 = embedded("default", "org2", work.resolve("org2.kubeconfig"), work.resolve("org2-data"))) {
      Map<String, String> env = Map.of();
      runSection(README, "Pairing two organizations on one machine", work, env, Map.of(
          "kubectl --kubeconfig /tmp/org1.kubeconfig get secret org2-invitation -o jsonpath='{.data.invitation}'"
              + " | base64 -d > /tmp/invitation.jws", () -> awaitPhase(org1, "org2", PairingPhase.Invited),
          "kubectl --kubeconfig /tmp/org1.kubeconfig get pairing", () -> {
            awaitPhase(org1, "org2", PairingPhase.Connected);
            awaitPhase(org2, "org1", PairingPhase.Connected);
          },
          "kubectl --kubeconfig /tmp/org2.kubeconfig get cnode",
          () -> await("org1's node on org2", () -> org2.client().resources(ConsortiumNode.class).withName("org1-peer0")
              .get() != null)));
      runSection(README, "Sharing a key", work, env, Map.of(
          "kubectl --kubeconfig /tmp/org2.kubeconfig get shares",
          () -> await("the key on org2", () -> org2.client().resources(KeyShare.class).withName("org1-org1-admin-cert")
              .get() != null),
          "kubectl --kubeconfig /tmp/org2.kubeconfig get configmap org1-org1-admin-cert-public-key -o yaml",
          () -> await("the accepted key on org2", () -> org2.client().configMaps()
              .withName("org1-org1-admin-cert-public-key").get() != null),
          "kubectl --kubeconfig /tmp/org1.kubeconfig get keyshare org1-admin-cert",
          () -> await("org2's decision on org1", () -> recipientPhase(org1, KeyShare.class, "org1-admin-cert")
              == SharePhase.Accepted)));
      Map<String, Result> results = runSection(README, "Sharing a network or a chaincode", work, env, Map.of(
          "kubectl --kubeconfig /tmp/org2.kubeconfig get shares", () -> {
            await("the network on org2", () -> org2.client().resources(NetworkShare.class).withName("org1-supplychain")
                .get() != null);
            await("the chaincode on org2", () -> org2.client().resources(ChaincodeShare.class).withName("org1-basic")
                .get() != null);
          },
          "kubectl --kubeconfig /tmp/org2.kubeconfig get configmap,deployment,service",
          () -> await("the chaincode server on org2", () -> org2.client().apps().deployments().withName("basic")
              .get() != null),
          "kubectl --kubeconfig /tmp/org2.kubeconfig get ccshare org1-basic -o jsonpath='{.status.packageId}'",
          () -> await("the package ID on org2", () -> {
            ChaincodeShare share = org2.client().resources(ChaincodeShare.class).withName("org1-basic").get();
            return share.getStatus() != null && share.getStatus().packageId != null;
          })));
      String packageId = results.get("kubectl --kubeconfig /tmp/org2.kubeconfig get ccshare org1-basic -o"
          + " jsonpath='{.status.packageId}'").stdout().strip();
      assertThat(packageId).as("the package ID org2 computed").startsWith("basic_1.0:");
      assertThat(results.entrySet().stream().filter(e -> e.getKey().contains("fabric ccaas-package")).findFirst()
          .orElseThrow().getValue().stdout()).as("the same, built independently").contains(packageId);
    }
  }

  @Test
  @Order(3)
  void proposing_a_channel_change_step_by_step_runs_as_written() throws Exception {
    Path dir = Files.createDirectories(work.resolve("proposal"));
    try (Consortium consortium = Consortium.start(dir)) {
      Org org1 = consortium.org1();
      Org org2 = consortium.org2();
      Files.write(dir.resolve("update.pb"), batchTimeout("testchannel", "500ms"));
      Files.write(dir.resolve("update-2.pb"), batchTimeout("testchannel", "750ms"));
      pemFiles(dir, "org1", "Admin@org1.example.com");
      pemFiles(dir, "org2", "Admin@org2.example.com");
      Files.writeString(dir.resolve("proposal.yaml"), DocumentedCommands.yamlBlock(README,
          "name: testchannel-batch-timeout"));
      String incoming = "org1-testchannel-batch-timeout";
      runSection(README, "Step by step", dir, Map.of(), Map.of(
          "kubectl --kubeconfig org2.kubeconfig get proposal#1",
          () -> Shares.awaitIncoming(org2, ConfigProposal.class, incoming),
          "kubectl --kubeconfig org2.kubeconfig get proposal org1-testchannel-batch-timeout -o jsonpath='{range"
              + " .status.conditions[*]}{.type}={.status} {.reason}: {.message}{\"\\n\"}{end}'",
          () -> await("the approval held for want of a signer", () -> conditionReason(org2, incoming, "DecisionAttached")
              .equals("SignerMissing")),
          "kubectl --kubeconfig org2.kubeconfig get proposal#2",
          () -> Shares.awaitPhase(org2, ConfigProposal.class, incoming, SharePhase.Accepted),
          "kubectl --kubeconfig org1.kubeconfig get proposal#2",
          () -> await("org1 to count org2's signature", () -> Boolean.TRUE.equals(
              org1.client().resources(ConfigProposal.class).withName("testchannel-batch-timeout").get().getStatus()
                  .policySatisfied)),
          "kubectl --kubeconfig org1.kubeconfig get configmap testchannel-batch-timeout-signed-update -o"
              + " jsonpath='{.data.signatures}'",
          () -> await("the envelope on org1", () -> org1.client().configMaps()
              .withName("testchannel-batch-timeout-signed-update").get() != null),
          "kubectl --kubeconfig org1.kubeconfig get configmap testchannel-batch-timeout-signed-update",
          () -> await("the envelope of the old revision to go", () -> org1.client().configMaps()
              .withName("testchannel-batch-timeout-signed-update").get() == null),
          "kubectl --kubeconfig org2.kubeconfig get proposal org1-testchannel-batch-timeout -o jsonpath='revision"
              + " {.spec.from.revision}: {.status.phase}, decision \"{.spec.decision}\", {.spec.fabric.changes}{\"\\n\"}'",
          () -> await("revision 2 on org2", () -> org2.client().resources(ConfigProposal.class).withName(incoming)
              .get().getSpec().from.revision == 2)));
      assertThat(dir.resolve("envelope.pb")).as("the envelope as the transcript saves it").isNotEmptyFile();
    }
  }

  @Test
  @Order(4)
  void the_transcripts_of_longer_stories_run_as_written_against_clusters_holding_what_they_name() throws Exception {
    Path dir = Files.createDirectories(work.resolve("transcripts"));
    List<Org> orgs = new ArrayList<>();
    try {
      for (String name : List.of("org1", "org2", "org3", "org4")) {
        orgs.add(Org.cluster(name, dir));
      }
      Files.write(dir.resolve("update.pb"), batchTimeout("testchannel", "500ms"));
      Files.write(dir.resolve("config.block"), new byte[] {0x0a, 0x00});
      seed(dir, "org1", """
          apiVersion: v1
          kind: Secret
          metadata: {name: consortium-identity}
          type: kubernetes.io/tls
          data: {tls.crt: Y2VydA==, tls.key: a2V5}
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: consortium-instance}
          data: {instanceId: 39c6f7c99d56e8d5a2bff082e990ccc8873046e51d08ab2a5b19225fdb2922b3}
          ---
          apiVersion: consortium.io/v1alpha1
          kind: ConfigProposal
          metadata: {name: batch-timeout-checked}
          spec:
            to: [org2, org3]
            platform: Fabric
            title: Lower the testchannel batch timeout
            fabric:
              channelId: testchannel
              configUpdateRef: {name: testchannel, key: update.pb}
              channelConfigRef: {name: testchannel, key: config.block}
            policy: {rule: ANY}
          """ + pairing("org2", "invite: {}") + pairing("org2-renewed", "invite: {}")
          + pairing("org3", "invite: {}", "finalizers: [peerpairings.consortium.io/finalizer]"));
      seed(dir, "org1", event(orgs.get(0), "org3", "PeerNotTold"));
      seed(dir, "org2", """
          apiVersion: consortium.io/v1alpha1
          kind: ConfigProposal
          metadata: {name: org1-batch-timeout-checked}
          spec:
            from: {pairing: org1, shareUid: 0b5c3c5e-1111-2222-3333-444455556666, revision: 1}
            platform: Fabric
            title: Lower the testchannel batch timeout
            fabric: {channelId: testchannel, changes: ["Orderer/BatchTimeout: timeout 1s -> 500ms"]}
          ---
          apiVersion: consortium.io/v1alpha1
          kind: ConfigProposal
          metadata: {name: org1-add-validator}
          spec:
            from: {pairing: org1, shareUid: 0b5c3c5e-1111-2222-3333-444455556667, revision: 1}
            platform: Besu
            title: Add org3's validator
            besu: {action: Add, address: "0x3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c"}
          """ + pairing("org1", "accept: {invitationSecretRef: {name: invitation-from-org1}}")
          + pairing("org1-extra", "accept: {invitationSecretRef: {name: invitation-org1-extra}}"));
      // kubectl describe finds a resource's Events by its uid: known only now.
      seed(dir, "org2", event(orgs.get(1), "org1", "PeerKeyRolled"));
      seed(dir, "org3", pairing("org1", "accept: {invitationSecretRef: {name: invitation-from-org1}}")
          + pairing("org1-late", "accept: {invitationSecretRef: {name: invitation-org1-late}}") + """
          apiVersion: v1
          kind: Secret
          metadata: {name: consortium-identity}
          type: kubernetes.io/tls
          data: {tls.crt: Y2VydA==, tls.key: a2V5}
          """);
      seed(dir, "org4", pairing("org1", "accept: {invitationSecretRef: {name: invitation-from-org1}}"));

      runSection(README, "Checking against the channel config", dir, Map.of(), Map.of());
      // The Besu transcript is typed on org2's cluster, with no --kubeconfig.
      runSection(README, "Besu", dir, Map.of("KUBECONFIG", dir.resolve("org2.kubeconfig").toString()), Map.of());
      runSection(README, "Certificate renewal", dir, Map.of(), Map.of());
      // "kubectl annotate secret consortium-identity ..." without --kubeconfig: the example for any
      // cluster, here org3's (org1's Secret gets its own annotation from the transcript after it).
      runSection(README, "Rolling the instance key", dir, Map.of("KUBECONFIG", dir.resolve("org3.kubeconfig")
          .toString()), Map.of());
      runSection(README, "A peer that missed the rollover", dir, Map.of(), Map.of());
      runSection(README, "Expired or used? `kubectl get pairing` on the inviter", dir, Map.of(), Map.of());
      runSection(README, "Pairing again after a revocation or a deletion", dir, Map.of(), Map.of());
      runSection(README, "Removing a partner that vanished", dir, Map.of(), Map.of());
      runSection(README, "Instance identity", dir, Map.of("KUBECONFIG", dir.resolve("org1.kubeconfig").toString()),
          Map.of());
    } finally {
      orgs.forEach(Org::close);
    }
  }

  @Test
  @Order(5)
  void installing_in_a_cluster_creates_its_namespace_as_written() throws IOException {
    for (String section : List.of("Install with Helm", "Install with OLM")) {
      Path dir = Files.createDirectories(work.resolve(section.replace(' ', '-')));
      try (EmbeddedApiServer cluster = EmbeddedApiServer.start(0)) {
        cluster.writeKubeconfig(dir.resolve("cluster.kubeconfig"), "cluster", "default");
        runSection(README, section, dir, Map.of("KUBECONFIG", dir.resolve("cluster.kubeconfig").toString()), Map.of());
      }
    }
  }

  @Test
  @Order(6)
  void the_samples_apply_as_written() throws IOException {
    Path dir = Files.createDirectories(work.resolve("samples-run"));
    copyTree(DocumentedCommands.projectRoot().resolve("samples"), dir.resolve("samples"));
    try (Org org1 = Org.cluster("org1", dir).startOperator()) {
      org1.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName("org2").endMetadata().build()).create();
      // org2's operator on the same API server, in its own namespace, as if it were org2's cluster.
      try (OperatorRuntime org2 = OperatorRuntime.start(org1.settings().toBuilder().namespace("org2")
          .instanceName("org2").meshPort(0).healthPort(0).build(), quiet())) {
        Map<String, String> env = Map.of("KUBECONFIG", org1.kubeconfig().toString());
        runSection(README, "The samples", dir, env, Map.of(
            "kubectl -n org1 get secret org2-invitation -o jsonpath='{.data.invitation}' | base64 -d > org1-invitation.jws",
            () -> await("org1's invitation", () -> org1.client().secrets().withName("org2-invitation").get() != null)));
        runInline("kubectl -n org1 apply -f samples/org1/", dir, env);
        assertThat(org1.client().resources(KeyShare.class).withName("org1-ca-root").get()).isNotNull();
        assertThat(org2.client().resources(PeerPairing.class).inNamespace("org2").withName("org1").get()).isNotNull();
      }
    }
  }

  @Test
  @Order(7)
  void kubectl_against_the_demo_runs_as_written() {
    try (DemoConsortium demo = new DemoConsortium(quiet())) {
      demo.start(3, work.resolve("consortium-demo"));
      demo.pairAll();
      demo.tellTheStory();
      Result result = runInline("kubectl --kubeconfig consortium-demo/org2.kubeconfig get shares,pairing,configmap",
          work, Map.of());
      assertThat(result.stdout()).contains("keyshare.consortium.io/org1-org1-admin-cert", "peerpairing.consortium.io/org1",
          "configmap/org1-org1-admin-cert-public-key");
    }
  }

  @Test
  @Order(100)
  void every_documented_kubectl_command_ran_somewhere_or_is_listed_with_the_reason_it_cannot() {
    List<String> documented = new ArrayList<>();
    for (String document : List.of(README, SAMPLES_README)) {
      DocumentedCommands.of(document).stream().filter(Command::isKubectl).map(Command::text).forEach(documented::add);
    }
    documented.addAll(INLINE.keySet());
    assertThat(documented.stream().filter(c -> !RUN.contains(c) && !NOT_RUN.containsKey(c)).toList())
        .as("documented kubectl commands no test ran").isEmpty();
  }

  // ---- running what the docs say --------------------------------------------------------------

  record Result(int exitCode, String stdout, String stderr) {}

  /**
   * Runs the commands under {@code section}, in order, each after its wait (keyed by its text, or by
   * "text#n" for its n-th occurrence), and checks that each succeeds, or fails where the transcript
   * shows it failing. Other commands of walkthroughs ({@code java -jar ...}) run too; servers the text
   * starts ({@code run --embedded}) were started by the test.
   */
  Map<String, Result> runSection(String document, String section, Path dir, Map<String, String> env,
      Map<String, Runnable> waits) {
    List<Command> commands = DocumentedCommands.of(document).stream().filter(c -> c.section().equals(section)).toList();
    assertThat(commands).as("commands under '" + section + "' in " + document).isNotEmpty();
    Map<String, Integer> occurrences = new HashMap<>();
    Map<String, Result> results = new LinkedHashMap<>();
    for (Command command : commands) {
      String text = command.text();
      if (text.contains(" run --embedded") || text.startsWith("export ")
          || (!command.isKubectl() && !text.startsWith("java -jar "))) {
        continue;
      }
      int n = occurrences.merge(text, 1, Integer::sum);
      Runnable wait = waits.getOrDefault(text + "#" + n, waits.get(text));
      if (wait != null) {
        wait.run();
      }
      Result result = sh(asTyped(text, dir), dir, env);
      if (command.fails()) {
        assertThat(result.exitCode()).as("%s fails as the transcript shows", text).isNotZero();
        assertThat(result.stderr()).contains("Error from server (NotFound)");
      } else {
        assertThat(result.exitCode()).as("%s%nstdout: %s%nstderr: %s", text, result.stdout(), result.stderr()).isZero();
      }
      results.put(text, result);
      RUN.add(text);
    }
    return results;
  }

  Result runInline(String command, Path dir, Map<String, String> env) {
    String document = INLINE.get(command);
    try {
      assertThat(Files.readString(DocumentedCommands.projectRoot().resolve(document))).as(document).contains(command);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Result result = sh(command, dir, env);
    assertThat(result.exitCode()).as("%s%nstdout: %s%nstderr: %s", command, result.stdout(), result.stderr()).isZero();
    RUN.add(command);
    return result;
  }

  /** The text with /tmp/ pointing at the test's directory and the jar at the classes the test runs. */
  static String asTyped(String text, Path dir) {
    return text.replace("/tmp/", dir + "/").replace("java -jar operator/target/consortium-operator.jar",
        "java -cp '" + System.getProperty("java.class.path") + "' io.consortium.operator.cli.Main");
  }

  static Result sh(String command, Path dir, Map<String, String> env) {
    try {
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile());
      builder.environment().remove("KUBECONFIG");
      builder.environment().putAll(env);
      builder.environment().put("HOME", work.toString());
      Path out = Files.createTempFile(work, "out", ".txt");
      Path err = Files.createTempFile(work, "err", ".txt");
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---- the worlds the commands run in ---------------------------------------------------------

  /** What {@code run --embedded --kubeconfig-out K [--data-dir D]} starts, on free ports. */
  static OperatorRuntime embedded(String namespace, String instance, Path kubeconfig, Path dataDir) {
    return OperatorRuntime.start(OperatorSettings.builder().embedded(true).namespace(namespace).instanceName(instance)
        .meshBindAddress("127.0.0.1").meshPort(0).healthPort(0).kubeconfigOut(kubeconfig).dataDir(dataDir).build(),
        quiet());
  }

  static void seed(Path dir, String org, String yaml) throws IOException {
    Path file = dir.resolve(org + "-seed.yaml");
    Files.writeString(file, yaml);
    Result result = sh("kubectl --kubeconfig " + org + ".kubeconfig apply -f " + file.getFileName(), dir, Map.of());
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }

  static String pairing(String name, String spec, String... metadata) {
    return "---\napiVersion: consortium.io/v1alpha1\nkind: PeerPairing\nmetadata:\n  name: " + name + "\n"
        + String.join("", Stream.of(metadata).map(m -> "  " + m + "\n").toList()) + "spec:\n  " + spec + "\n---\n";
  }

  static String event(Org org, String pairing, String reason) {
    String uid = org.client().resources(PeerPairing.class).withName(pairing).get().getMetadata().getUid();
    return "apiVersion: v1\nkind: Event\nmetadata: {name: " + pairing + ".seeded}\ntype: Warning\nreason: " + reason
        + "\nmessage: seeded for the transcript\ninvolvedObject: {apiVersion: consortium.io/v1alpha1, kind: PeerPairing,"
        + " name: " + pairing + ", namespace: " + org.name() + ", uid: " + uid + "}\nsource: {component: consortium-operator}\n";
  }

  static byte[] batchTimeout(String channel, String timeout) {
    return ConfigUpdate.newBuilder().setChannelId(channel)
        .setReadSet(ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.getDefaultInstance()))
        .setWriteSet(ConfigGroup.newBuilder().putGroups("Orderer", ConfigGroup.newBuilder()
            .putValues("BatchTimeout", ConfigValue.newBuilder().setVersion(1).setModPolicy("Admins")
                .setValue(BatchTimeout.newBuilder().setTimeout(timeout).build().toByteString()).build()).build()))
        .build().toByteArray();
  }

  static void pemFiles(Path dir, String org, String commonName) throws IOException {
    TestPki admin = TestPki.selfSignedCa(commonName);
    Files.writeString(dir.resolve(org + "-cert.pem"), admin.certificatePem());
    Files.writeString(dir.resolve(org + "-key.pem"), admin.privateKeyPem());
  }

  static String conditionReason(Org org, String proposal, String type) {
    ConfigProposal p = org.client().resources(ConfigProposal.class).withName(proposal).get();
    return p == null || p.getStatus() == null ? "" : p.getStatus().conditions.stream()
        .filter(c -> type.equals(c.type)).map(c -> String.valueOf(c.reason)).findFirst().orElse("");
  }

  static SharePhase recipientPhase(OperatorRuntime org, Class<? extends io.consortium.operator.api.v1alpha1.Share<?, ?>>
      kind, String name) {
    var share = org.client().resources(kind).withName(name).get();
    return share == null || share.getStatus() == null || share.getStatus().recipients.isEmpty() ? null
        : share.getStatus().recipients.get(0).phase;
  }

  static void awaitPhase(OperatorRuntime org, String pairing, PairingPhase phase) {
    await(pairing + " " + phase, () -> {
      PeerPairing p = org.client().resources(PeerPairing.class).withName(pairing).get();
      return p != null && p.getStatus() != null && p.getStatus().phase == phase;
    });
  }

  static void await(String what, BooleanSupplier condition) {
    Org.await(what, WAIT, condition);
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    return path != null && java.util.Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }
}
