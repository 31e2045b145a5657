package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.CRDDescription;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDetailsDeployment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OLM bundle (bundle/olm): there is no operator-sdk or opm here, so the CSV is read with the
 * typed model and held against the generated CRDs, the samples and the Helm chart.
 */
class OlmBundleTest {

  static final Path CSV_FILE = ProjectFiles.bundle().resolve("manifests/consortium-operator.clusterserviceversion.yaml");
  static ClusterServiceVersion csv;
  static List<HasMetadata> chart;

  @BeforeAll
  static void read() throws Exception {
    csv = ProjectFiles.SERIALIZATION.unmarshal(ProjectFiles.read(CSV_FILE), ClusterServiceVersion.class);
    chart = HelmChartTest.render();
  }

  static StrategyDetailsDeployment install() {
    return csv.getSpec().getInstall().getSpec();
  }

  static Container csvContainer() {
    return install().getDeployments().get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void theCsvIsVersionZeroOneZeroLikeTheChart() {
    JsonNode chartYaml = ProjectFiles.yamlTree(ProjectFiles.read(ProjectFiles.chart().resolve("Chart.yaml")));
    assertThat(csv.getMetadata().getName()).isEqualTo("consortium-operator.v0.1.0");
    assertThat(csv.getSpec().getVersion()).isEqualTo(chartYaml.path("appVersion").asText()).isEqualTo("0.1.0");
    assertThat(csv.getMetadata().getAnnotations().get("containerImage")).isEqualTo(csvContainer().getImage());
  }

  @Test
  void everyGeneratedCrdIsOwnedWithItsKindVersionAndName() {
    List<CRDDescription> owned = csv.getSpec().getCustomresourcedefinitions().getOwned();
    List<CustomResourceDefinition> crds = ProjectFiles.generatedCrdModels();
    assertThat(owned).hasSameSizeAs(crds);
    for (CustomResourceDefinition crd : crds) {
      String version = crd.getSpec().getVersions().get(0).getName();
      assertThat(owned).as("owned CRD %s", crd.getMetadata().getName()).anySatisfy(o -> {
        assertThat(o.getName()).isEqualTo(crd.getMetadata().getName());
        assertThat(o.getKind()).isEqualTo(crd.getSpec().getNames().getKind());
        assertThat(o.getVersion()).isEqualTo(version);
        assertThat(o.getDisplayName()).isNotBlank();
        assertThat(o.getDescription()).isNotBlank();
      });
    }
  }

  @Test
  void everyDescriptorPointsAtAFieldTheCrdHas() {
    for (CRDDescription owned : csv.getSpec().getCustomresourcedefinitions().getOwned()) {
      CrdSchema schema = CrdSchema.forKind(owned.getKind());
      List<String> paths = new ArrayList<>();
      owned.getSpecDescriptors().forEach(d -> paths.add("spec." + d.getPath()));
      owned.getStatusDescriptors().forEach(d -> paths.add("status." + d.getPath()));
      for (String path : paths) {
        assertThat(schema.schemaAt(path)).as("%s %s", owned.getKind(), path).isNotNull();
      }
    }
  }

  @Test
  void almExamplesAreTheSamplesOnePerKind() throws Exception {
    JsonNode examples = ProjectFiles.JSON.readTree(csv.getMetadata().getAnnotations().get("alm-examples"));
    Map<String, Samples.Sample> samplesByKindAndName = new HashMap<>();
    Samples.all().forEach(s -> samplesByKindAndName.put(s.kind() + "/" + s.name(), s));
    List<String> kinds = new ArrayList<>();
    for (JsonNode example : examples) {
      String key = example.path("kind").asText() + "/" + example.at("/metadata/name").asText();
      Samples.Sample sample = samplesByKindAndName.get(key);
      assertThat(sample).as("alm-example %s is not one of the samples", key).isNotNull();
      assertThat(example).as("alm-example %s differs from %s: copy the sample into the CSV's alm-examples", key, sample)
          .isEqualTo(ProjectFiles.JSON.readTree(ProjectFiles.JSON.writeValueAsString(sample.resource())));
      kinds.add(example.path("kind").asText());
    }
    assertThat(kinds).containsExactlyInAnyOrderElementsOf(
        csv.getSpec().getCustomresourcedefinitions().getOwned().stream().map(CRDDescription::getKind).toList());
  }

  @Test
  void theOperatorWatchesOneNamespace() {
    Map<String, Boolean> modes = csv.getSpec().getInstallModes().stream()
        .collect(Collectors.toMap(m -> m.getType(), m -> m.getSupported()));
    assertThat(modes).containsExactlyInAnyOrderEntriesOf(
        Map.of("OwnNamespace", true, "SingleNamespace", true, "MultiNamespace", false, "AllNamespaces", false));
    EnvVar namespace = csvContainer().getEnv().stream().filter(e -> e.getName().equals("CONSORTIUM_NAMESPACE")).findFirst().orElseThrow();
    assertThat(namespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.annotations['olm.targetNamespaces']");
  }

  @Test
  void theCsvGrantsExactlyTheChartsRoleAndNothingClusterWide() {
    Role role = HelmChartTest.one(chart, Role.class, "org1-consortium-operator");
    assertThat(install().getPermissions()).singleElement().satisfies(p -> {
      assertThat(p.getServiceAccountName()).isEqualTo(install().getDeployments().get(0).getSpec().getTemplate().getSpec()
          .getServiceAccountName());
      assertThat(HelmChartTest.grants(p.getRules())).isEqualTo(HelmChartTest.grants(role.getRules()));
    });
    assertThat(install().getClusterPermissions()).isNullOrEmpty();
  }

  @Test
  void theCsvDeploysWhatTheChartDeploys() {
    Deployment chartDeployment = HelmChartTest.one(chart, Deployment.class, "org1-consortium-operator");
    PodSpec chartPod = chartDeployment.getSpec().getTemplate().getSpec();
    PodSpec csvPod = install().getDeployments().get(0).getSpec().getTemplate().getSpec();
    Container fromChart = chartPod.getContainers().get(0);
    Container fromCsv = csvPod.getContainers().get(0);
    assertThat(fromCsv.getImage()).isEqualTo(fromChart.getImage());
    // Same environment, except where the namespace comes from (OLM's target namespace annotation).
    assertThat(withoutNamespace(fromCsv.getEnv())).isEqualTo(withoutNamespace(fromChart.getEnv()));
    assertThat(fromCsv.getPorts()).isEqualTo(fromChart.getPorts());
    assertThat(fromCsv.getLivenessProbe()).isEqualTo(fromChart.getLivenessProbe());
    assertThat(fromCsv.getReadinessProbe()).isEqualTo(fromChart.getReadinessProbe());
    assertThat(fromCsv.getStartupProbe()).isEqualTo(fromChart.getStartupProbe());
    assertThat(fromCsv.getSecurityContext()).isEqualTo(fromChart.getSecurityContext());
    assertThat(fromCsv.getResources()).isEqualTo(fromChart.getResources());
    assertThat(fromCsv.getVolumeMounts()).isEqualTo(fromChart.getVolumeMounts());
    assertThat(csvPod.getSecurityContext()).isEqualTo(chartPod.getSecurityContext());
    assertThat(csvPod.getVolumes()).isEqualTo(chartPod.getVolumes());
  }

  @Test
  void theBundlesMeshServiceReachesTheOperatorsMeshPort() {
    Service mesh = ProjectFiles.SERIALIZATION.unmarshal(
        ProjectFiles.read(ProjectFiles.bundle().resolve("manifests/consortium-operator-mesh_v1_service.yaml")), Service.class);
    var podLabels = install().getDeployments().get(0).getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(mesh.getSpec().getSelector());
    assertThat(mesh.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("mesh");
    assertThat(csvContainer().getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("mesh");
      assertThat(p.getContainerPort()).isEqualTo(8443);
    });
  }

  @Test
  void bundleMetadataNamesARegistryV1BundleAndItsDefaultChannel() {
    JsonNode annotations = ProjectFiles.yamlTree(ProjectFiles.read(ProjectFiles.bundle().resolve("metadata/annotations.yaml")))
        .path("annotations");
    String prefix = "operators.operatorframework.io.bundle.";
    assertThat(annotations.path(prefix + "mediatype.v1").asText()).isEqualTo("registry+v1");
    assertThat(annotations.path(prefix + "manifests.v1").asText()).isEqualTo("manifests/");
    assertThat(annotations.path(prefix + "metadata.v1").asText()).isEqualTo("metadata/");
    assertThat(annotations.path(prefix + "package.v1").asText()).isEqualTo("consortium-operator");
    List<String> channels = List.of(annotations.path(prefix + "channels.v1").asText().split(","));
    assertThat(channels).contains(annotations.path(prefix + "channel.default.v1").asText());
    // The bundle image carries the same annotations as labels.
    String dockerfile = ProjectFiles.read(ProjectFiles.bundle().resolve("bundle.Dockerfile"));
    annotations.fields().forEachRemaining(a ->
        assertThat(dockerfile).contains("LABEL " + a.getKey() + "=" + a.getValue().asText()));
  }

  private static Map<String, EnvVar> withoutNamespace(List<EnvVar> env) {
    return env.stream().filter(e -> !e.getName().equals("CONSORTIUM_NAMESPACE"))
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
  }
}
