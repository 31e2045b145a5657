package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.Kinds;
import io.consortium.operator.api.v1alpha1.Share;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three-organization sample consortium is what people copy first: every file must be a
 * resource the API server accepts (schema and CEL rules) and the Java model reads.
 */
class SamplesTest {

  static Stream<Samples.Sample> samples() {
    return Samples.all().stream();
  }

  @Test
  void theSampleConsortiumHasEveryKindAndThreeOrganizations() {
    List<String> kinds = Samples.all().stream().map(Samples.Sample::kind).distinct().toList();
    assertThat(kinds).containsExactlyInAnyOrderElementsOf(
        Kinds.ALL.stream().map(HasMetadata::getKind).toList());
    assertThat(Samples.all().stream().map(s -> s.file().getParent().getFileName().toString()).distinct())
        .containsExactlyInAnyOrder("org1", "org2", "org3");
  }

  @ParameterizedTest(name = "{0} is valid against its CRD's schema")
  @MethodSource("samples")
  void everySampleMatchesItsCrdSchema(Samples.Sample sample) {
    assertThat(sample.resource().path("apiVersion").asText()).isEqualTo(Share.GROUP + "/" + Share.VERSION);
    CrdSchema crd = CrdSchema.forKind(sample.kind());
    assertThat(crd.validate(sample.resource())).as("schema violations in %s", sample).isEmpty();
  }

  @ParameterizedTest(name = "{0} passes every CEL rule of its CRD, on create and on an unchanged update")
  @MethodSource("samples")
  void everySamplePassesTheCelRules(Samples.Sample sample) {
    CrdSchema crd = CrdSchema.forKind(sample.kind());
    assertThat(CelRules.violations(crd, sample.resource(), null)).as("create %s", sample).isEmpty();
    assertThat(CelRules.violations(crd, sample.resource(), sample.resource())).as("update %s", sample).isEmpty();
  }

  @ParameterizedTest(name = "{0} reads into the Java model")
  @MethodSource("samples")
  void everySampleReadsIntoTheModel(Samples.Sample sample) throws Exception {
    Class<? extends HasMetadata> type = Kinds.ALL.stream()
        .filter(k -> HasMetadata.getKind(k).equals(sample.kind())).findFirst().orElseThrow();
    HasMetadata typed = ProjectFiles.SERIALIZATION.unmarshal(ProjectFiles.JSON.writeValueAsString(sample.resource()), type);
    assertThat(typed.getMetadata().getName()).isEqualTo(sample.name());
    // Nothing in the file is lost on the way into the model (a misspelled field would be).
    // (Compared as parsed JSON text: the model's Long fields would otherwise differ from YAML's ints.)
    assertThat(ProjectFiles.JSON.readTree(ProjectFiles.JSON.writeValueAsString(typed)).path("spec"))
        .isEqualTo(ProjectFiles.JSON.readTree(ProjectFiles.JSON.writeValueAsString(sample.resource())).path("spec"));
  }

  @Test
  void aMisspelledFieldInAResourceIsRefused() {
    var resource = (com.fasterxml.jackson.databind.node.ObjectNode) ProjectFiles.yamlTree("""
        apiVersion: consortium.io/v1alpha1
        kind: ConsortiumNode
        metadata: {name: peer0}
        spec: {type: FabricPeer, mspId: Org1MSP, endpont: "peer0:7051"}
        """);
    assertThat(CrdSchema.forKind("ConsortiumNode").validate(resource))
        .anySatisfy(m -> assertThat(m.getMessage()).contains("endpont"));
  }

  @Test
  void aFieldOfTheWrongShapeIsRefused() {
    var resource = ProjectFiles.yamlTree("""
        apiVersion: consortium.io/v1alpha1
        kind: ChaincodeShare
        metadata: {name: cc}
        spec:
          to: [org2]
          definition: {name: basic, version: "1", sequence: 1}
          packageSource: {label: basic_1}
          ccaas: {image: "registry.example.com/basic:latest"}
        """);
    assertThat(CrdSchema.forKind("ChaincodeShare").validate(resource))
        .anySatisfy(m -> assertThat(m.getMessage()).contains("ccaas.image"));
  }

  @Test
  void revokingAnOutgoingShareIsWrittenToTheApiServer() throws Exception {
    // The model once lost spec.revoked: a @JsonIgnore'd isRevoked() hid the field from Jackson.
    var share = new io.consortium.operator.api.v1alpha1.KeyShare();
    share.setSpec(new io.consortium.operator.api.v1alpha1.KeyShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().revoked = true;
    JsonNode json = ProjectFiles.JSON.readTree(ProjectFiles.SERIALIZATION.asJson(share));
    assertThat(json.at("/spec/revoked").asBoolean()).isTrue();
    var read = ProjectFiles.SERIALIZATION.unmarshal(json.toString(), io.consortium.operator.api.v1alpha1.KeyShare.class);
    assertThat(read.getSpec().isRevoked()).isTrue();
  }
}
