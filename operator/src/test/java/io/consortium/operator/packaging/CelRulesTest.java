package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CEL rule (x-kubernetes-validations) in the generated CRDs compiles, returns a bool,
 * selects only fields its schema has, and is shown to hold on one object and to fail on another.
 * The mock server checks none of this; a real API server would refuse the CRD or the resource.
 */
class CelRulesTest {

  /** A rule's proof: an object it accepts and one it refuses; for transition rules, with the old object. */
  record Case(String passing, String passingOld, String failing, String failingOld) {
    static Case of(String passing, String failing) {
      return new Case(passing, null, failing, null);
    }

    static Case transition(String passingOld, String passing, String failingOld, String failing) {
      return new Case(passing, passingOld, failing, failingOld);
    }
  }

  private static final String FROM = "{pairing: org1, shareUid: 6f1c2a7e-0b1d-4c55-9a43-2f1d1f0e9b11, revision: 1}";
  private static final String FROM_REV2 = "{pairing: org1, shareUid: 6f1c2a7e-0b1d-4c55-9a43-2f1d1f0e9b11, revision: 2}";
  private static final String NODE_ORIGIN = "{pairing: org1, nodeUid: 0a6c79f4-8a55-4b8e-a0a1-5f5d3c0d2e61}";
  private static final String ENODE = "enode://" + "ab".repeat(64) + "@10.0.0.1:30303";

  /** Rule text -> case. A rule in the CRDs without a case fails the build, and so does a case without a rule. */
  static final Map<String, Case> CASES = new LinkedHashMap<>();

  static {
    // ShareSpec: every share kind
    CASES.put("has(self.to) != has(self.from)", Case.of(
        "{to: [org2]}",
        "{to: [org2], from: " + FROM + "}"));
    CASES.put("!has(self.decision) || has(self.from)", Case.of(
        "{from: " + FROM + ", decision: Accept}",
        "{to: [org2], decision: Accept}"));
    CASES.put("!has(self.revoked) || !self.revoked || has(self.to)", Case.of(
        "{to: [org2], revoked: true}",
        "{from: " + FROM + ", revoked: true}"));
    CASES.put("!has(self.to) || self.to.all(p, self.to.exists_one(q, q == p))", Case.of(
        "{to: [org2, org3]}",
        "{to: [org2, org3, org2]}"));
    CASES.put("has(self.to) == has(oldSelf.to)", Case.transition(
        "{to: [org2]}", "{to: [org2, org3]}",
        "{to: [org2]}", "{from: " + FROM + "}"));
    // The operator writes a new revision into spec.from (a real API server evaluates this rule on its
    // updates too); nobody may make it another share or an older revision.
    CASES.put("!has(oldSelf.from) || (has(self.from) && self.from.shareUid == oldSelf.from.shareUid"
        + " && self.from.revision >= oldSelf.from.revision)", Case.transition(
        "{from: " + FROM + "}", "{from: " + FROM_REV2 + "}",
        "{from: " + FROM_REV2 + "}", "{from: " + FROM + "}"));
    // KeyShare
    CASES.put("!has(self.to) || (has(self.source) != has(self.generate))", Case.of(
        "{to: [org2], generate: {curve: P-256}}",
        "{to: [org2], source: {name: org1-ca}, generate: {curve: P-256}}"));
    CASES.put("!has(self.material) || has(self.from)", Case.of(
        "{from: " + FROM + ", material: {publicKey: x}}",
        "{to: [org2], source: {name: org1-ca}, material: {publicKey: x}}"));
    // NetworkShare and ConfigProposal
    CASES.put("self.platform == 'Fabric' ? (has(self.fabric) && !has(self.besu)) : (has(self.besu) && !has(self.fabric))",
        Case.of("{platform: Besu, besu: {chainId: 1337}}", "{platform: Besu, fabric: {channelId: supplychain}}"));
    // ChaincodeShare: level defaults to Package, so a share without level and package is refused
    CASES.put("self.level != 'Package' || has(self.packageSource)", Case.of(
        "{level: Source, definition: {name: basic, version: '1', sequence: 1}}",
        "{definition: {name: basic, version: '1', sequence: 1}}"));
    // ConfigProposal
    CASES.put("self.rule == 'NOutOf' ? has(self.n) : !has(self.n)", Case.of(
        "{rule: NOutOf, n: 2}",
        "{n: 2}"));
    // ConsortiumNode
    CASES.put("self.type == 'BesuNode' ? has(self.enode) : has(self.mspId)", Case.of(
        "{type: BesuNode, enode: '" + ENODE + "'}",
        "{type: FabricPeer, enode: '" + ENODE + "'}"));
    CASES.put("!has(self.origin) || !has(self.advertise) || !self.advertise", Case.of(
        "{type: FabricPeer, mspId: Org1MSP, origin: " + NODE_ORIGIN + ", advertise: false}",
        "{type: FabricPeer, mspId: Org1MSP, origin: " + NODE_ORIGIN + ", advertise: true}"));
    CASES.put("has(self.origin) == has(oldSelf.origin)", Case.transition(
        "{type: FabricPeer, mspId: Org1MSP}", "{type: FabricPeer, mspId: Org1MSP, advertise: true}",
        "{type: FabricPeer, mspId: Org1MSP}", "{type: FabricPeer, mspId: Org1MSP, origin: " + NODE_ORIGIN + "}"));
    // PeerPairing
    CASES.put("has(self.invite) != has(self.accept)", Case.of(
        "{invite: {}}",
        "{invite: {}, accept: {invitationSecretRef: {name: org1-invitation}}}"));
    CASES.put("duration(self) >= duration('1s') && duration(self) <= duration('8760h')", Case.of(
        "'168h'",
        "'8761h'"));
    CASES.put("self.metadata.name.size() <= 63", Case.of(
        "{metadata: {name: org2}, spec: {invite: {}}}",
        "{metadata: {name: " + "o".repeat(64) + "}, spec: {invite: {}}}"));
    CASES.put("has(self.invite) == has(oldSelf.invite)", Case.transition(
        "{invite: {}}", "{invite: {maxRedemptions: 2}}",
        "{accept: {invitationSecretRef: {name: org1-invitation}}}", "{invite: {}}"));
    CASES.put("!has(oldSelf.state) || oldSelf.state != 'Revoked' || self.state == 'Revoked'", Case.transition(
        "{state: Suspended, invite: {}}", "{state: Active, invite: {}}",
        "{state: Revoked, invite: {}}", "{invite: {}}"));
  }

  static Stream<CrdSchema.Rule> rules() {
    return CrdSchema.all().stream().flatMap(crd -> crd.rules().stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void everyRuleCompilesToABoolOverFieldsItsSchemaHas(CrdSchema.Rule rule) throws Exception {
    CelAbstractSyntaxTree ast = CelRules.compile(rule.rule());
    assertThat(ast.getResultType()).as("result type of %s", rule.rule()).isEqualTo(SimpleType.BOOL);
    assertThat(CelRules.unknownFields(ast, CrdSchema.forKind(rule.kind()).schemaAt(rule.path())))
        .as("fields %s selects that %s.%s does not have", rule.rule(), rule.kind(), rule.path())
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void everyRuleAcceptsItsPassingObjectAndRefusesItsFailingOne(CrdSchema.Rule rule) throws Exception {
    Case c = CASES.get(rule.rule());
    assertThat(c).as("no passing/failing case in CelRulesTest.CASES for the rule %s of %s", rule.rule(), rule.kind())
        .isNotNull();
    assertThat(c.passingOld() != null).as("a transition rule is tested with an old object, and only such a rule")
        .isEqualTo(rule.isTransition());
    JsonNode schema = CrdSchema.forKind(rule.kind()).schemaAt(rule.path());
    assertThat(evaluate(rule, schema, c.passing(), c.passingOld())).as("passing object for %s", rule).isEqualTo(true);
    assertThat(evaluate(rule, schema, c.failing(), c.failingOld())).as("failing object for %s", rule).isEqualTo(false);
  }

  @Test
  void everyRuleHasAMessageAndReasonTheApiServerAccepts() {
    // The API server refuses a CRD whose rule message has a line break or whose reason is not one of these.
    Set<String> reasons = Set.of("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate");
    for (ObjectNode crd : ProjectFiles.generatedCrdTrees()) {
      crd.findValues("x-kubernetes-validations").forEach(list -> list.forEach(rule -> {
        assertThat(rule.path("message").asText()).as("message of %s", rule.path("rule")).isNotBlank().doesNotContain("\n");
        if (rule.has("reason")) {
          assertThat(reasons).contains(rule.path("reason").asText());
        }
      }));
    }
  }

  @Test
  void everyDefaultInTheCrdsIsValidForItsField() {
    // A real API server refuses a CRD whose default does not validate against its own schema.
    int checked = 0;
    for (CrdSchema crd : CrdSchema.all()) {
      List<JsonNode> withDefault = crd.openApiSchema.findParents("default");
      for (JsonNode field : withDefault) {
        JsonNode schema = CrdSchema.toJsonSchema(field, true);
        var validator = com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V4)
            .getSchema(schema);
        assertThat(validator.validate(field.get("default"))).as("default %s in %s", field.get("default"), crd.kind).isEmpty();
        checked++;
      }
    }
    assertThat(checked).as("defaults found in the CRDs (InvitationRequest, ProposalPolicy, ... have some)").isGreaterThan(5);
  }

  @Test
  void transitionRulesAreNotEvaluatedOnCreate() {
    // Kubernetes runs a rule with oldSelf only on an update; a PeerPairing created in the state
    // Active must not be judged against an old state it never had.
    CrdSchema pairing = CrdSchema.forKind("PeerPairing");
    JsonNode created = ProjectFiles.yamlTree("{apiVersion: consortium.io/v1alpha1, kind: PeerPairing, metadata: {name: org2},"
        + " spec: {invite: {}}}");
    assertThat(CelRules.violations(pairing, created, null)).isEmpty();
    JsonNode revoked = ProjectFiles.yamlTree("{apiVersion: consortium.io/v1alpha1, kind: PeerPairing, metadata: {name: org2},"
        + " spec: {state: Revoked, invite: {}}}");
    assertThat(CelRules.violations(pairing, created, revoked))
        .singleElement().asString().contains("oldSelf.state != 'Revoked'");
  }

  @Test
  void everyCaseBelongsToARuleInTheCrds() {
    List<String> inCrds = rules().map(CrdSchema.Rule::rule).distinct().toList();
    assertThat(CASES.keySet()).as("cases for rules no CRD has any more").isSubsetOf(inCrds);
  }

  private static Object evaluate(CrdSchema.Rule rule, JsonNode schema, String self, String old) throws Exception {
    JsonNode selfNode = CrdSchema.withDefaults(schema, ProjectFiles.yamlTree(self));
    JsonNode oldNode = old == null ? null : CrdSchema.withDefaults(schema, ProjectFiles.yamlTree(old));
    return CelRules.evaluate(rule.rule(), selfNode, oldNode);
  }
}
