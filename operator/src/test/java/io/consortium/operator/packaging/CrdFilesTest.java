package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs are generated from the model; the copies that people install (crds/, the chart, the OLM
 * bundle) are checked in. This keeps them equal, byte for byte, and says how to refresh them.
 */
class CrdFilesTest {

  static Stream<Path> copies() {
    return Stream.of(
        ProjectFiles.root().resolve("crds"),
        ProjectFiles.chart().resolve("crds"),
        ProjectFiles.bundle().resolve("manifests"));
  }

  @ParameterizedTest(name = "{0} holds the CRDs generated from the model, unchanged")
  @MethodSource("copies")
  void checkedInCrdsEqualTheGeneratedOnes(Path copyDir) throws Exception {
    for (Path generated : ProjectFiles.generatedCrdFiles()) {
      Path copy = copyDir.resolve(generated.getFileName());
      assertThat(Files.exists(copy))
          .as("%s is missing; refresh the CRD copies with: %s", ProjectFiles.root().relativize(copy), ProjectFiles.REFRESH_CRDS)
          .isTrue();
      assertThat(Files.readString(copy))
          .as("%s differs from the CRD generated from the model; refresh the CRD copies with: %s",
              ProjectFiles.root().relativize(copy), ProjectFiles.REFRESH_CRDS)
          .isEqualTo(Files.readString(generated));
    }
  }

  @ParameterizedTest(name = "{0} holds no CRD the model no longer generates")
  @MethodSource("copies")
  void noStaleCrdCopies(Path copyDir) {
    List<String> generated = ProjectFiles.generatedCrdFiles().stream().map(p -> p.getFileName().toString()).toList();
    List<String> stale = ProjectFiles.list(copyDir, ".consortium.io-v1.yml").stream()
        .map(p -> p.getFileName().toString())
        .filter(name -> !generated.contains(name))
        .toList();
    assertThat(stale)
        .as("CRD files in %s that the model no longer generates: delete them, then run %s",
            ProjectFiles.root().relativize(copyDir), ProjectFiles.REFRESH_CRDS)
        .isEmpty();
  }
}
