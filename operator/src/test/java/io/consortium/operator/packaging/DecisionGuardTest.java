package io.consortium.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's decision guard (a ValidatingAdmissionPolicy) evaluated with CEL-Java, with a
 * stand-in for Kubernetes' {@code authorizer} library that answers from a fixed set of grants:
 * only a subject allowed the verb {@code decide} sets or changes {@code spec.decision}.
 */
class DecisionGuardTest {

  /** What the stand-in authorizer grants: "group/resource/namespace/verb". */
  record Authorizer(Set<String> grants, List<String> asked) {}

  record GroupCheck(Authorizer authorizer, String group) {}

  record ResourceCheck(Authorizer authorizer, String group, String resource, String namespace) {}

  record Decision(boolean allowed) {}

  private static final OpaqueType AUTHORIZER = OpaqueType.create("kubernetes.authorization.Authorizer");
  private static final OpaqueType GROUP_CHECK = OpaqueType.create("kubernetes.authorization.GroupCheck");
  private static final OpaqueType RESOURCE_CHECK = OpaqueType.create("kubernetes.authorization.ResourceCheck");
  private static final OpaqueType DECISION = OpaqueType.create("kubernetes.authorization.Decision");

  private static CelRuntime.Program validation;
  private static CelRuntime.Program message;

  @BeforeAll
  static void compileThePolicyFromTheRenderedChart() throws Exception {
    ValidatingAdmissionPolicy policy = HelmChartTest.one(HelmChartTest.render(), ValidatingAdmissionPolicy.class,
        "org1-decision-guard");
    Validation v = policy.getSpec().getValidations().get(0);
    CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar("object", SimpleType.DYN)
        .addVar("oldObject", SimpleType.DYN)
        .addVar("request", SimpleType.DYN)
        .addVar("authorizer", AUTHORIZER)
        .addFunctionDeclarations(
            CelFunctionDecl.newFunctionDeclaration("group",
                CelOverloadDecl.newMemberOverload("authorizer_group", GROUP_CHECK, AUTHORIZER, SimpleType.STRING)),
            CelFunctionDecl.newFunctionDeclaration("resource",
                CelOverloadDecl.newMemberOverload("group_resource", RESOURCE_CHECK, GROUP_CHECK, SimpleType.STRING)),
            CelFunctionDecl.newFunctionDeclaration("namespace",
                CelOverloadDecl.newMemberOverload("resource_namespace", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING)),
            CelFunctionDecl.newFunctionDeclaration("check",
                CelOverloadDecl.newMemberOverload("resource_check", DECISION, RESOURCE_CHECK, SimpleType.STRING)),
            CelFunctionDecl.newFunctionDeclaration("allowed",
                CelOverloadDecl.newMemberOverload("decision_allowed", SimpleType.BOOL, DECISION)))
        .build();
    CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
        .addFunctionBindings(
            CelFunctionBinding.from("authorizer_group", Authorizer.class, String.class, GroupCheck::new),
            CelFunctionBinding.from("group_resource", GroupCheck.class, String.class,
                (g, r) -> new ResourceCheck(g.authorizer(), g.group(), r, "")),
            CelFunctionBinding.from("resource_namespace", ResourceCheck.class, String.class,
                (r, ns) -> new ResourceCheck(r.authorizer(), r.group(), r.resource(), ns)),
            CelFunctionBinding.from("resource_check", ResourceCheck.class, String.class, (r, verb) -> {
              String asked = r.group() + "/" + r.resource() + "/" + r.namespace() + "/" + verb;
              r.authorizer().asked().add(asked);
              return new Decision(r.authorizer().grants().contains(asked));
            }),
            CelFunctionBinding.from("decision_allowed", Decision.class, Decision::allowed))
        .build();
    CelAbstractSyntaxTree validationAst = compiler.compile(v.getExpression()).getAst();
    assertThat(validationAst.getResultType()).isEqualTo(SimpleType.BOOL);
    CelAbstractSyntaxTree messageAst = compiler.compile(v.getMessageExpression()).getAst();
    assertThat(messageAst.getResultType()).isEqualTo(SimpleType.STRING);
    validation = runtime.createProgram(validationAst);
    message = runtime.createProgram(messageAst);
  }

  private static final Set<String> DECIDER = Set.of("consortium.io/keyshares/org2/decide");
  private static final Set<String> SHARER = Set.of();

  private static Object admit(Set<String> grants, String oldSpec, String newSpec) throws Exception {
    return admit(new Authorizer(grants, new ArrayList<>()), oldSpec, newSpec);
  }

  private static Object admit(Authorizer authorizer, String oldSpec, String newSpec) throws Exception {
    return validation.eval(vars(authorizer, oldSpec, newSpec));
  }

  private static Map<String, Object> vars(Authorizer authorizer, String oldSpec, String newSpec) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", CrdSchema.toCelValue(resource(newSpec)));
    vars.put("oldObject", oldSpec == null ? NullValue.NULL_VALUE : CrdSchema.toCelValue(resource(oldSpec)));
    vars.put("request", CrdSchema.toCelValue(ProjectFiles.yamlTree(
        "{resource: {group: consortium.io, version: v1alpha1, resource: keyshares}, namespace: org2,"
            + " name: org1-ca-root, userInfo: {username: alice}}")));
    vars.put("authorizer", authorizer);
    return vars;
  }

  private static JsonNode resource(String spec) {
    return ProjectFiles.yamlTree("{apiVersion: consortium.io/v1alpha1, kind: KeyShare, metadata: {name: org1-ca-root,"
        + " namespace: org2}, spec: " + spec + "}");
  }

  private static final String INCOMING = "{from: {pairing: org1, shareUid: u1, revision: 1}";

  @Test
  void aDeciderAcceptsAnIncomingShare() throws Exception {
    assertThat(admit(DECIDER, INCOMING + "}", INCOMING + ", decision: Accept}")).isEqualTo(true);
  }

  @Test
  void someoneWithoutTheDecideVerbCannotAccept() throws Exception {
    Authorizer sharer = new Authorizer(SHARER, new ArrayList<>());
    assertThat(admit(sharer, INCOMING + "}", INCOMING + ", decision: Accept}")).isEqualTo(false);
    // The authorizer was asked exactly about deciding on this kind in this namespace.
    assertThat(sharer.asked()).containsExactly("consortium.io/keyshares/org2/decide");
    assertThat(message.eval(vars(sharer, INCOMING + "}", INCOMING + ", decision: Accept}")))
        .asString().contains("alice", "keyshares", "org2", "org1-decider");
  }

  @Test
  void someoneWithoutTheDecideVerbCannotTurnARejectIntoAnAccept() throws Exception {
    assertThat(admit(SHARER, INCOMING + ", decision: Reject}", INCOMING + ", decision: Accept}")).isEqualTo(false);
    assertThat(admit(SHARER, INCOMING + ", decision: Reject}", INCOMING + "}")).isEqualTo(false);
  }

  @Test
  void changesThatLeaveTheDecisionAloneNeedNoDecideVerb() throws Exception {
    assertThat(admit(SHARER, "{to: [org1]}", "{to: [org1], revoked: true}")).isEqualTo(true);
    assertThat(admit(SHARER, INCOMING + ", decision: Accept}", INCOMING + ", decision: Accept, expiresAt: '2027-01-01T00:00:00Z'}"))
        .isEqualTo(true);
  }

  @Test
  void aShareCannotBeCreatedAlreadyDecidedWithoutTheDecideVerb() throws Exception {
    assertThat(admit(SHARER, null, "{to: [org1], source: {name: org2-ca}}")).isEqualTo(true);
    assertThat(admit(SHARER, null, INCOMING + ", decision: Accept}")).isEqualTo(false);
    assertThat(admit(DECIDER, null, INCOMING + ", decision: Accept}")).isEqualTo(true);
  }

  @Test
  void theDeciderRoleAndTheOperatorHoldTheVerbThePolicyAsksFor() throws Exception {
    var objects = HelmChartTest.render();
    var decider = HelmChartTest.grants(HelmChartTest.one(objects, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class,
        "org1-decider").getRules());
    var operator = HelmChartTest.grants(HelmChartTest.one(objects, io.fabric8.kubernetes.api.model.rbac.Role.class,
        "org1-consortium-operator").getRules());
    for (String share : HelmChartTest.SHARE_PLURALS) {
      assertThat(decider).contains("consortium.io/" + share + " decide");
      assertThat(operator).contains("consortium.io/" + share + " decide");
    }
  }
}
