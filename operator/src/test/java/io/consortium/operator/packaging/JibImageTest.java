package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.cli.Main;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The image is built by Jib in the Maven profile {@code image}, which needs a registry for its
 * base image and so stays out of this build. What the chart and the CSV rely on is read from the
 * Jib configuration in operator/pom.xml instead: entrypoint, user, ports, labels, name.
 */
class JibImageTest {

  static final Path POM = ProjectFiles.root().resolve("operator/pom.xml");
  static Element jib;
  static Map<String, String> properties = new HashMap<>();
  static List<HasMetadata> chart;

  @BeforeAll
  static void readTheJibConfiguration() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document pom = factory.newDocumentBuilder().parse(POM.toFile());
    Element project = pom.getDocumentElement();
    for (Element p : children(child(project, "properties"))) {
      properties.put(p.getTagName(), p.getTextContent().trim());
    }
    properties.put("project.build.directory", "${project.build.directory}");
    Element imageProfile = null;
    for (Element profile : children(child(project, "profiles"))) {
      if (text(profile, "id").equals("image")) {
        imageProfile = profile;
      }
    }
    assertThat(imageProfile).as("profile 'image' in %s", POM).isNotNull();
    assertThat(child(imageProfile, "activation")).as("the image profile must not be active by default").isNull();
    for (Element plugin : children(child(child(imageProfile, "build"), "plugins"))) {
      if (text(plugin, "artifactId").equals("jib-maven-plugin")) {
        jib = plugin;
      }
    }
    assertThat(jib).as("jib-maven-plugin in the image profile").isNotNull();
    chart = HelmChartTest.render();
  }

  static Element configuration(String path) {
    Element e = child(jib, "configuration");
    for (String part : path.split("/")) {
      e = child(e, part);
      assertThat(e).as("<%s> in the Jib configuration", path).isNotNull();
    }
    return e;
  }

  static String value(String path) {
    return resolve(configuration(path).getTextContent().trim());
  }

  @Test
  void theImageRunsTheOperatorsRunCommand() throws Exception {
    String mainClass = value("container/mainClass");
    assertThat(mainClass).isEqualTo(Main.class.getName());
    List<String> args = children(configuration("container/args")).stream().map(a -> a.getTextContent().trim()).toList();
    assertThat(args).containsExactly("run");
    assertThat(Main.commandLine().getSubcommands()).containsKey(args.get(0));
  }

  @Test
  void theImagesUserIsTheNonRootUserTheChartAndCsvRunAs() {
    String[] user = value("container/user").split(":");
    assertThat(user).hasSize(2);
    assertThat(Long.parseLong(user[0])).isPositive();
    PodSecurityContext chartPod = pod().getSecurityContext();
    assertThat(Long.parseLong(user[0])).isEqualTo(chartPod.getRunAsUser());
    assertThat(Long.parseLong(user[1])).isEqualTo(chartPod.getRunAsGroup());
    var csv = ProjectFiles.SERIALIZATION.unmarshal(ProjectFiles.read(OlmBundleTest.CSV_FILE),
        io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion.class);
    PodSecurityContext csvPod = csv.getSpec().getInstall().getSpec().getDeployments().get(0).getSpec().getTemplate()
        .getSpec().getSecurityContext();
    assertThat(Long.parseLong(user[0])).isEqualTo(csvPod.getRunAsUser());
  }

  @Test
  void theImageExposesTheMeshAndHealthPortsTheOperatorListensOnByDefault() {
    List<Integer> ports = children(configuration("container/ports")).stream()
        .map(p -> Integer.parseInt(resolve(p.getTextContent().trim()))).toList();
    Map<String, String> defaults = new LinkedHashMap<>();
    RunFlags.all().forEach(f -> defaults.put(f.name(), f.defaultValue()));
    int mesh = Integer.parseInt(defaults.get("--mesh-port"));
    int health = Integer.parseInt(defaults.get("--health-port"));
    assertThat(ports).containsExactlyInAnyOrder(mesh, health);
    Container c = pod().getContainers().get(0);
    assertThat(c.getPorts().stream().map(ContainerPort::getContainerPort)).containsExactlyInAnyOrder(mesh, health);
  }

  @Test
  void theImageNameAndVersionAreWhatTheChartAndCsvPull() {
    String to = value("to/image");
    JsonNode chartYaml = ProjectFiles.yamlTree(ProjectFiles.read(ProjectFiles.chart().resolve("Chart.yaml")));
    JsonNode values = ProjectFiles.yamlTree(ProjectFiles.read(ProjectFiles.chart().resolve("values.yaml")));
    assertThat(to).isEqualTo(values.at("/image/repository").asText() + ":" + chartYaml.path("appVersion").asText());
    assertThat(pod().getContainers().get(0).getImage()).isEqualTo(to);
    String csv = ProjectFiles.read(OlmBundleTest.CSV_FILE);
    assertThat(csv).contains("containerImage: " + to, "image: " + to);
  }

  @Test
  void theImageCarriesOciLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    children(configuration("container/labels")).forEach(l -> labels.put(l.getTagName(), resolve(l.getTextContent().trim())));
    assertThat(labels).containsKeys("org.opencontainers.image.title", "org.opencontainers.image.description",
        "org.opencontainers.image.source", "org.opencontainers.image.version");
    assertThat(labels.get("org.opencontainers.image.version")).isEqualTo(value("to/image").replaceAll("^.*:", ""));
  }

  @Test
  void theProfileBuildsAnOciTarballWithoutAContainerEngine() {
    assertThat(value("outputPaths/tar")).isEqualTo("${project.build.directory}/jib-image.tar");
    assertThat(value("container/format")).isEqualTo("OCI");
    Element execution = children(child(jib, "executions")).get(0);
    assertThat(text(child(execution, "goals"), "goal")).isEqualTo("buildTar");
    assertThat(text(execution, "phase")).isEqualTo("package");
  }

  @Test
  void anImageBuiltByTheProfileHasTheEntrypointUserAndPorts() throws Exception {
    Path tar = ProjectFiles.root().resolve("operator/target/jib-image.tar");
    Assumptions.assumeTrue(Files.isRegularFile(tar),
        "no image built: mvn -B -ntp -pl operator -Pimage package -DskipTests (needs a registry for the base image)");
    Map<String, byte[]> entries = untar(Files.readAllBytes(tar));
    JsonNode index = ProjectFiles.JSON.readTree(entries.get("index.json"));
    JsonNode manifest = ProjectFiles.JSON.readTree(blob(entries, index.at("/manifests/0/digest").asText()));
    JsonNode config = ProjectFiles.JSON.readTree(blob(entries, manifest.at("/config/digest").asText())).path("config");
    assertThat(config.path("Entrypoint").toString()).contains(Main.class.getName());
    assertThat(config.path("Cmd").toString()).isEqualTo("[\"run\"]");
    assertThat(config.path("User").asText()).isEqualTo(value("container/user"));
    assertThat(config.path("ExposedPorts").has("8443/tcp")).isTrue();
    assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
    // The CRDs the embedded API server installs travel in the image's classes layer.
    boolean crdsInImage = false;
    for (JsonNode layer : manifest.path("layers")) {
      byte[] blob = blob(entries, layer.path("digest").asText());
      if (blob.length < 5_000_000) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(blob))) {
          crdsInImage |= untar(in.readAllBytes()).keySet().stream()
              .anyMatch(n -> n.endsWith("META-INF/fabric8/peerpairings.consortium.io-v1.yml"));
        }
      }
    }
    assertThat(crdsInImage).isTrue();
  }

  private static io.fabric8.kubernetes.api.model.PodSpec pod() {
    return HelmChartTest.one(chart, Deployment.class, "org1-consortium-operator").getSpec().getTemplate().getSpec();
  }

  private static byte[] blob(Map<String, byte[]> entries, String digest) {
    byte[] blob = entries.get("blobs/sha256/" + digest.substring("sha256:".length()));
    assertThat(blob).as("blob %s in the image tarball", digest).isNotNull();
    return blob;
  }

  /** A tar file's regular entries (ustar, as Jib writes them). */
  private static Map<String, byte[]> untar(byte[] tar) {
    Map<String, byte[]> entries = new HashMap<>();
    int offset = 0;
    while (offset + 512 <= tar.length && tar[offset] != 0) {
      String name = cString(tar, offset, 100);
      String prefix = cString(tar, offset + 345, 155);
      long size = Long.parseLong(cString(tar, offset + 124, 12).trim(), 8);
      char type = (char) tar[offset + 156];
      String full = prefix.isEmpty() ? name : prefix + "/" + name;
      if (type == '0' || type == 0) {
        byte[] data = new byte[(int) size];
        System.arraycopy(tar, offset + 512, data, 0, (int) size);
        entries.put(full.startsWith("./") ? full.substring(2) : full, data);
      }
      offset += 512 + (int) ((size + 511) / 512) * 512;
    }
    return entries;
  }

  private static String cString(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static String resolve(String value) {
    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = properties.get(m.group(1));
      assertThat(replacement).as("property ${%s} used by the Jib configuration is not defined in the POM", m.group(1))
          .isNotNull();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Element e : children(parent)) {
      if (e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
        out.add((Element) nodes.item(i));
      }
    }
    return out;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? "" : e.getTextContent().trim();
  }
}
