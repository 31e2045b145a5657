package io.consortium.operator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/** The sample consortium under samples/: one directory per organization, one resource per file. */
final class Samples {

  record Sample(Path file, JsonNode resource) {
    String kind() {
      return resource.path("kind").asText();
    }

    String name() {
      return resource.at("/metadata/name").asText();
    }

    @Override
    public String toString() {
      return ProjectFiles.samples().relativize(file).toString();
    }
  }

  private Samples() {}

  static List<Sample> all() {
    return ProjectFiles.walk(ProjectFiles.samples(), ".yaml").stream()
        .map(f -> new Sample(f, ProjectFiles.yamlTree(ProjectFiles.read(f))))
        .toList();
  }
}
