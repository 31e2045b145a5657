package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.consortium.operator.api.Kinds;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Helm chart, linted and rendered by real Helm (helm-java), and the objects it renders. */
class HelmChartTest {

  static final List<String> PLURALS = Kinds.ALL.stream().map(HasMetadata::getPlural).toList();
  static final List<String> SHARE_PLURALS = List.of("keyshares", "networkshares", "chaincodeshares", "configproposals");

  static List<HasMetadata> render(UnaryOperator<TemplateCommand> values) throws Exception {
    TemplateCommand template = new Helm(ProjectFiles.chart()).template().withName("org1").withNamespace("consortium");
    return ProjectFiles.documents(values.apply(template).call());
  }

  static List<HasMetadata> render() throws Exception {
    return render(t -> t);
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " rendered"));
  }

  static Container operatorContainer(List<HasMetadata> objects) {
    Deployment deployment = one(objects, Deployment.class, "org1-consortium-operator");
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Map<String, EnvVar> env(Container container) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    container.getEnv().forEach(e -> env.put(e.getName(), e));
    return env;
  }

  /** "group/resource verb" for every permission a set of rules grants. */
  static Set<String> grants(List<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add(group + "/" + resource + " " + verb);
          }
        }
      }
    }
    return grants;
  }

  @Test
  void helmLintPassesInStrictMode() {
    LintResult lint = new Helm(ProjectFiles.chart()).lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void probesCheckHealthzAndReadyzOnTheHealthPort() throws Exception {
    Container c = operatorContainer(render());
    int healthPort = c.getPorts().stream().filter(p -> p.getName().equals("health")).findFirst().orElseThrow().getContainerPort();
    assertThat(healthPort).isEqualTo(8080);
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    for (var probe : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("health");
    }
  }

  @Test
  void theOperatorRunsAsNonRootWithAReadOnlyRootAndNoCapabilities() throws Exception {
    List<HasMetadata> objects = render();
    var pod = one(objects, Deployment.class, "org1-consortium-operator").getSpec().getTemplate().getSpec();
    Container c = operatorContainer(objects);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // With a read-only root, the JVM's temporary files go to an emptyDir.
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }

  @Test
  void theJvmHeapFollowsTheContainersMemoryLimit() throws Exception {
    Container c = operatorContainer(render());
    Quantity limit = c.getResources().getLimits().get("memory");
    Quantity request = c.getResources().getRequests().get("memory");
    assertThat(Quantity.getAmountInBytes(limit).longValue()).isBetween(128L << 20, 512L << 20);
    assertThat(Quantity.getAmountInBytes(request).longValue()).isBetween(128L << 20, Quantity.getAmountInBytes(limit).longValue());
    assertThat(c.getResources().getRequests()).containsKey("cpu");
    assertThat(env(c).get("JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=");
  }

  @Test
  void everyRunFlagHasAChartValuePassedAsItsEnvironmentVariable() throws Exception {
    List<HasMetadata> objects = render(t -> t
        .set("operator.namespace", "consortium")
        .set("operator.instanceName", "org1")
        .set("operator.externalUrl", "wss://consortium.org1.example.com:443")
        .set("operator.kubeconfig", "/etc/consortium/kubeconfig")
        .set("operator.embedded", true)
        .set("operator.embeddedPort", 6443)
        .set("operator.kubeconfigOut", "/tmp/kubeconfig")
        .set("operator.transferDir", "/tmp/transfers")
        .set("operator.dataDir", "/var/lib/consortium"));
    Map<String, EnvVar> env = env(operatorContainer(objects));
    for (RunFlags.Flag flag : RunFlags.all()) {
      assertThat(env).as("run flag %s has no chart value: add one under operator: in values.yaml and pass it"
          + " as %s in templates/deployment.yaml", flag.name(), flag.env()).containsKey(flag.env());
    }
    assertThat(env.get("CONSORTIUM_INSTANCE_NAME").getValue()).isEqualTo("org1");
    assertThat(env.get("CONSORTIUM_EXTERNAL_URL").getValue()).isEqualTo("wss://consortium.org1.example.com:443");
    assertThat(env.get("KUBECONFIG").getValue()).isEqualTo("/etc/consortium/kubeconfig");
    assertThat(env.get("CONSORTIUM_EMBEDDED_PORT").getValue()).isEqualTo("6443");
    assertThat(env.get("CONSORTIUM_DATA_DIR").getValue()).isEqualTo("/var/lib/consortium");
  }

  @Test
  void theChartsDefaultsAreTheOperatorsDefaults() throws Exception {
    Map<String, EnvVar> env = env(operatorContainer(render()));
    for (RunFlags.Flag flag : RunFlags.all()) {
      EnvVar var = env.get(flag.env());
      if (var == null) {
        // Left out so that the operator's own default applies; only flags without a fixed default may be.
        assertThat(flag.defaultValue()).as("%s has a default but the chart does not pass it", flag.name()).isNull();
      } else if (flag.defaultValue() != null) {
        assertThat(var.getValue()).as("chart default of %s", flag.name()).isEqualTo(flag.defaultValue());
      }
    }
    // No namespace given: the operator watches the release's namespace.
    assertThat(env.get("CONSORTIUM_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
  }

  @Test
  void aMeshPortOverrideReachesTheFlagTheContainerPortAndTheService() throws Exception {
    List<HasMetadata> objects = render(t -> t.set("operator.meshPort", 9443));
    Container c = operatorContainer(objects);
    assertThat(env(c).get("CONSORTIUM_MESH_PORT").getValue()).isEqualTo("9443");
    ContainerPort mesh = c.getPorts().stream().filter(p -> p.getName().equals("mesh")).findFirst().orElseThrow();
    assertThat(mesh.getContainerPort()).isEqualTo(9443);
    Service service = one(objects, Service.class, "org1-consortium-operator-mesh");
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("mesh");
  }

  @Test
  void theMeshServiceCanBeALoadBalancerForOtherClusters() throws Exception {
    List<HasMetadata> objects = render(t -> t
        .set("mesh.service.type", "LoadBalancer")
        .set("mesh.service.port", 443)
        .set("mesh.service.annotations.service\\.beta\\.kubernetes\\.io/aws-load-balancer-type", "nlb")
        .set("mesh.service.externalTrafficPolicy", "Local"));
    Service service = one(objects, Service.class, "org1-consortium-operator-mesh");
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(service.getMetadata().getAnnotations()).containsEntry("service.beta.kubernetes.io/aws-load-balancer-type", "nlb");
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(443);
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("mesh");
    // The Service selects the operator's pods.
    var podLabels = one(objects, Deployment.class, "org1-consortium-operator").getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
  }

  @Test
  void metricsAreServedOnTheHealthPortAndScrapedOnlyWhenAsked() throws Exception {
    List<HasMetadata> objects = render();
    Service metrics = one(objects, Service.class, "org1-consortium-operator-metrics");
    assertThat(metrics.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("health");
    assertThat(objects).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
    List<HasMetadata> monitored = render(t -> t.set("metrics.serviceMonitor.enabled", true));
    HasMetadata monitor = monitored.stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
    String json = ProjectFiles.SERIALIZATION.asJson(monitor);
    assertThat(ProjectFiles.yamlTree(json).at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    assertThat(ProjectFiles.yamlTree(json).at("/spec/endpoints/0/port").asText()).isEqualTo("http-metrics");
  }

  @Test
  void theOperatorsRoleCoversTheSixKindsTheirStatusAndNothingClusterWide() throws Exception {
    List<HasMetadata> objects = render();
    Role role = one(objects, Role.class, "org1-consortium-operator");
    assertThat(role.getMetadata().getNamespace()).isEqualTo("consortium");
    Set<String> grants = grants(role.getRules());
    for (String plural : PLURALS) {
      for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
        assertThat(grants).contains("consortium.io/" + plural + " " + verb);
      }
      assertThat(grants).contains("consortium.io/" + plural + "/status update", "consortium.io/" + plural + "/status patch",
          "consortium.io/" + plural + "/finalizers update");
    }
    for (String share : SHARE_PLURALS) {
      assertThat(grants).as("accept policies decide").contains("consortium.io/" + share + " decide");
    }
    assertThat(grants).contains("/secrets create", "/configmaps create", "/events create",
        "coordination.k8s.io/leases update", "apps/deployments create", "/services create");
    assertThat(grants).noneMatch(g -> g.contains("*"));
    RoleBinding binding = one(objects, RoleBinding.class, "org1-consortium-operator");
    assertThat(binding.getRoleRef().getName()).isEqualTo("org1-consortium-operator");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(one(objects, ServiceAccount.class, "org1-consortium-operator").getMetadata().getName());
    });
    assertThat(all(objects, ClusterRoleBinding.class)).as("nothing cluster-wide for the operator").isEmpty();
  }

  @Test
  void watchingAnotherNamespacePutsTheRoleThere() throws Exception {
    List<HasMetadata> objects = render(t -> t.set("operator.namespace", "org1-ledger"));
    assertThat(one(objects, Role.class, "org1-consortium-operator").getMetadata().getNamespace()).isEqualTo("org1-ledger");
    RoleBinding binding = one(objects, RoleBinding.class, "org1-consortium-operator");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("org1-ledger");
    assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo("consortium");
    assertThat(env(operatorContainer(objects)).get("CONSORTIUM_NAMESPACE").getValue()).isEqualTo("org1-ledger");
  }

  @Test
  void peopleGetViewerSharerAndDeciderRoles() throws Exception {
    List<HasMetadata> objects = render();
    Set<String> viewer = grants(one(objects, ClusterRole.class, "org1-viewer").getRules());
    Set<String> sharer = grants(one(objects, ClusterRole.class, "org1-sharer").getRules());
    Set<String> decider = grants(one(objects, ClusterRole.class, "org1-decider").getRules());
    for (String plural : PLURALS) {
      assertThat(viewer).contains("consortium.io/" + plural + " get", "consortium.io/" + plural + " list",
          "consortium.io/" + plural + " watch");
      assertThat(sharer).contains("consortium.io/" + plural + " create", "consortium.io/" + plural + " update",
          "consortium.io/" + plural + " patch", "consortium.io/" + plural + " delete");
    }
    assertThat(viewer).allMatch(g -> g.endsWith(" get") || g.endsWith(" list") || g.endsWith(" watch"));
    assertThat(sharer).noneMatch(g -> g.endsWith(" decide"));
    for (String share : SHARE_PLURALS) {
      assertThat(decider).contains("consortium.io/" + share + " decide", "consortium.io/" + share + " patch");
    }
    assertThat(decider).noneMatch(g -> g.contains("peerpairings") || g.contains("consortiumnodes"));
    assertThat(one(objects, ClusterRole.class, "org1-viewer").getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
    assertThat(one(objects, ClusterRole.class, "org1-sharer").getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
    assertThat(one(objects, ClusterRole.class, "org1-decider").getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-edit");
    List<HasMetadata> plain = render(t -> t.set("rbac.peopleRoles.aggregateToDefaultRoles", false));
    assertThat(all(plain, ClusterRole.class)).allSatisfy(r ->
        assertThat(r.getMetadata().getLabels().keySet()).noneMatch(k -> k.startsWith("rbac.authorization.k8s.io/aggregate")));
  }

  @Test
  void theDecisionGuardWatchesTheFourShareKindsInTheWatchedNamespace() throws Exception {
    List<HasMetadata> objects = render();
    ValidatingAdmissionPolicy policy = one(objects, ValidatingAdmissionPolicy.class, "org1-decision-guard");
    var rules = policy.getSpec().getMatchConstraints().getResourceRules();
    assertThat(rules).singleElement().satisfies(r -> {
      assertThat(r.getApiGroups()).containsExactly("consortium.io");
      assertThat(r.getResources()).containsExactlyInAnyOrderElementsOf(SHARE_PLURALS);
      assertThat(r.getOperations()).contains("UPDATE", "CREATE");
    });
    assertThat(policy.getSpec().getValidations()).hasSize(2);
    assertThat(policy.getSpec().getValidations().get(0).getExpression()).contains("check('decide')");
    assertThat(policy.getSpec().getValidations().get(1).getExpression())
        .contains("'system:serviceaccount:consortium:org1-consortium-operator'");
    ValidatingAdmissionPolicyBinding binding = one(objects, ValidatingAdmissionPolicyBinding.class, "org1-decision-guard");
    assertThat(binding.getSpec().getPolicyName()).isEqualTo("org1-decision-guard");
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    assertThat(binding.getSpec().getMatchResources().getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "consortium");
    assertThat(render(t -> t.set("admissionPolicy.enabled", false)))
        .noneMatch(o -> o instanceof ValidatingAdmissionPolicy || o instanceof ValidatingAdmissionPolicyBinding);
  }

  @Test
  void theImageIsTheChartsAppVersionUnlessPinnedByDigest() throws Exception {
    assertThat(operatorContainer(render()).getImage()).isEqualTo("ghcr.io/consortium-io/consortium-operator:0.1.0");
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    assertThat(operatorContainer(render(t -> t.set("image.digest", digest))).getImage())
        .isEqualTo("ghcr.io/consortium-io/consortium-operator@" + digest);
  }

  @Test
  void valuesThatCannotWorkAreRefusedWithTheReason() {
    assertThatThrownBy(() -> render(t -> t.set("operator.meshPort", 443)))
        .hasMessageContaining("operator.meshPort: Must be greater than or equal to 1024");
    assertThatThrownBy(() -> render(t -> t.set("replicaCount", 2).set("operator.leaderElection", false)))
        .hasMessageContaining("needs operator.leaderElection: true");
    assertThatThrownBy(() -> render(t -> t.set("operator.externalUrl", "https://org1.example.com")))
        .hasMessageContaining("operator.externalUrl");
  }

  @Test
  void valuesOfTheWrongTypeOrMisspelledFlagsAreRefusedByTheSchema() {
    assertThatThrownBy(() -> render(t -> t.set("operator.leaderElection", "maybe")))
        .hasMessageContaining("leaderElection");
    assertThatThrownBy(() -> render(t -> t.set("operator.meshport", 9443)))
        .hasMessageContaining("meshport");
    assertThatThrownBy(() -> render(t -> t.set("operator.maxShareSize", "lots")))
        .hasMessageContaining("maxShareSize");
    assertThatThrownBy(() -> render(t -> t.set("admissionPolicy.validationActions[0]", "Allow")))
        .hasMessageContaining("validationActions");
  }

  @Test
  void theChartShipsTheCrdsAndTheNotesTellHowToStart() throws Exception {
    assertThat(ProjectFiles.list(ProjectFiles.chart().resolve("crds"), ".yml")).hasSize(PLURALS.size());
    String notes = ProjectFiles.read(ProjectFiles.chart().resolve("templates/NOTES.txt"));
    assertThat(notes).contains("consortium-instance", "instanceId", "invitation");
    Set<String> kinds = render().stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    assertThat(kinds).contains("Deployment", "ServiceAccount", "Role", "RoleBinding", "Service", "ClusterRole",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
  }
}
