package io.consortium.operator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.consortium.operator.api.Kinds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the packaging files are, and how the tests read them. */
final class ProjectFiles {

  static final String REFRESH_CRDS = "mvn -B -ntp -pl operator process-classes -Pwrite-crds";
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  private ProjectFiles() {}

  static Path root() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  /** Where CrdGeneration wrote the CRDs in this build (process-classes runs before the tests). */
  static Path generatedCrds() {
    return root().resolve("operator/target/classes/META-INF/fabric8");
  }

  static Path chart() {
    return root().resolve("charts/consortium-operator");
  }

  static Path bundle() {
    return root().resolve("bundle/olm");
  }

  static Path samples() {
    return root().resolve("samples");
  }

  /** File name of a kind's generated CRD, the same in every copy. */
  static String crdFileName(String plural) {
    return plural + ".consortium.io-v1.yml";
  }

  static List<Path> generatedCrdFiles() {
    List<Path> files = list(generatedCrds(), ".consortium.io-v1.yml");
    if (files.size() != Kinds.ALL.size()) {
      throw new IllegalStateException("expected " + Kinds.ALL.size() + " generated CRDs in " + generatedCrds()
          + ", found " + files.size() + ": run the build through process-classes first");
    }
    return files;
  }

  static List<CustomResourceDefinition> generatedCrdModels() {
    return generatedCrdFiles().stream().map(f -> SERIALIZATION.unmarshal(read(f), CustomResourceDefinition.class)).toList();
  }

  /** The generated CRDs as JSON trees, for schema and CEL checks. */
  static List<ObjectNode> generatedCrdTrees() {
    return generatedCrdFiles().stream().map(f -> (ObjectNode) yamlTree(read(f))).toList();
  }

  static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> walk(Path dir, String suffix) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model class of a kind of ours, by its kind name. */
  static Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kindClass(String kind) {
    return Kinds.ALL.stream().filter(k -> io.fabric8.kubernetes.api.model.HasMetadata.getKind(k).equals(kind))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no kind " + kind));
  }

  static JsonNode yamlTree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a multi-document YAML stream (helm template output), typed where fabric8 knows the kind. */
  static List<HasMetadata> documents(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          objects.add(SERIALIZATION.unmarshal(JSON.writeValueAsString(doc), HasMetadata.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }
}
