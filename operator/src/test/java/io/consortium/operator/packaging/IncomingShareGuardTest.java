package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's second admission rule, evaluated with CEL-Java on the rendered chart: an incoming share
 * holds what a peer sent and signed, so on a cluster with the chart only the operator's service
 * account creates one or changes its spec; a person may change spec.decision (the first rule says who).
 */
class IncomingShareGuardTest {

  private static final String OPERATOR = "system:serviceaccount:consortium:org1-consortium-operator";
  private static final String INCOMING = "{from: {pairing: org1, shareUid: u1, revision: 1, payloadSha256: abc},"
      + " material: {publicKey: PEM, fingerprint: f1}, mspId: Org1MSP";

  private static CelRuntime.Program guard;
  private static CelRuntime.Program message;

  @BeforeAll
  static void compileTheRuleFromTheRenderedChart() throws Exception {
    ValidatingAdmissionPolicy policy = HelmChartTest.one(HelmChartTest.render(), ValidatingAdmissionPolicy.class,
        "org1-decision-guard");
    Validation v = policy.getSpec().getValidations().get(1);
    CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar("object", SimpleType.DYN)
        .addVar("oldObject", SimpleType.DYN)
        .addVar("request", SimpleType.DYN)
        .build();
    CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    CelAbstractSyntaxTree ast = compiler.compile(v.getExpression()).getAst();
    assertThat(ast.getResultType()).isEqualTo(SimpleType.BOOL);
    guard = runtime.createProgram(ast);
    message = runtime.createProgram(compiler.compile(v.getMessageExpression()).getAst());
  }

  @Test
  void a_person_may_decide_but_not_touch_what_the_peer_sent() throws Exception {
    assertThat(admit("alice", INCOMING + "}", INCOMING + ", decision: Accept}")).isEqualTo(true);
    assertThat(admit("alice", INCOMING + "}", INCOMING.replace("Org1MSP", "EvilMSP") + "}")).isEqualTo(false);
    assertThat(admit("alice", INCOMING + "}", INCOMING.replace("f1", "f2") + ", decision: Accept}")).isEqualTo(false);
    assertThat(admit("alice", INCOMING + ", expiresAt: '2027-01-01T00:00:00Z'}", INCOMING + "}"))
        .as("removing a field is a change too").isEqualTo(false);
    assertThat(message.eval(vars("alice", INCOMING + "}", INCOMING.replace("f1", "f2") + "}")))
        .asString().contains("only the operator", "alice");
  }

  @Test
  void only_the_operator_writes_a_new_revision_or_creates_an_incoming_share() throws Exception {
    String revision2 = INCOMING.replace("revision: 1", "revision: 2").replace("f1", "f2") + "}";
    assertThat(admit(OPERATOR, INCOMING + "}", revision2)).isEqualTo(true);
    assertThat(admit(OPERATOR, null, INCOMING + "}")).isEqualTo(true);
    assertThat(admit("alice", null, INCOMING + "}")).as("a forged inbox entry").isEqualTo(false);
  }

  @Test
  void outgoing_shares_are_their_authors_own() throws Exception {
    assertThat(admit("alice", null, "{to: [org2], source: {name: ca}}")).isEqualTo(true);
    assertThat(admit("alice", "{to: [org2], source: {name: ca}}", "{to: [org2, org3], source: {name: ca}}"))
        .isEqualTo(true);
  }

  private static Object admit(String user, String oldSpec, String newSpec) throws Exception {
    return guard.eval(vars(user, oldSpec, newSpec));
  }

  private static Map<String, Object> vars(String user, String oldSpec, String newSpec) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", CrdSchema.toCelValue(resource(newSpec)));
    vars.put("oldObject", oldSpec == null ? NullValue.NULL_VALUE : CrdSchema.toCelValue(resource(oldSpec)));
    vars.put("request", CrdSchema.toCelValue(ProjectFiles.yamlTree(
        "{resource: {group: consortium.io, version: v1alpha1, resource: keyshares}, namespace: org2,"
            + " name: org1-ca, userInfo: {username: '" + user + "'}}")));
    return vars;
  }

  private static JsonNode resource(String spec) {
    return ProjectFiles.yamlTree("{apiVersion: consortium.io/v1alpha1, kind: KeyShare, metadata: {name: org1-ca,"
        + " namespace: org2}, spec: " + spec + "}");
  }
}
