package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy.Rule;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {

  private static final TestOrg ORDERER = TestOrg.withNodeOus("OrdererMSP");
  private static final List<TestOrg> ORGS = IntStream.rangeClosed(1, 7)
      .mapToObj(i -> i % 2 == 0 ? TestOrg.withAdminCerts("Org" + i + "MSP") : TestOrg.withNodeOus("Org" + i + "MSP"))
      .toList();

  private static Config channel(int orgs, Rule adminsRule) {
    Config config = TestChannel.config(ORDERER, ORGS.subList(0, orgs));
    return ConfigEdits.setPolicy(config, "Application", "Admins", TestChannel.meta(adminsRule, "Admins").getPolicy(), "Admins");
  }

  private static List<PolicyEvaluator.Signer> admins(int count) {
    List<PolicyEvaluator.Signer> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new PolicyEvaluator.Signer(ORGS.get(i).mspId, ORGS.get(i).admin.certificate()));
    }
    return out;
  }

  private static int threshold(Rule rule, int n) {
    return switch (rule) {
      case ANY -> 1;
      case ALL -> n;
      case MAJORITY -> n / 2 + 1;
      default -> throw new IllegalArgumentException();
    };
  }

  @Test
  void implicit_meta_any_majority_all_over_one_to_seven_orgs_need_1_half_plus_one_and_all_admins() {
    for (Rule rule : List.of(Rule.ANY, Rule.MAJORITY, Rule.ALL)) {
      for (int n = 1; n <= 7; n++) {
        PolicyEvaluator evaluator = new PolicyEvaluator(channel(n, rule));
        for (int k = 0; k <= n; k++) {
          boolean satisfied = evaluator.evaluate(List.of("Application"), "Admins", admins(k)).satisfied();
          assertThat(satisfied).as("%s with %d orgs and %d admin signatures", rule, n, k).isEqualTo(k >= threshold(rule, n));
        }
      }
    }
  }

  @Test
  void out_of_m_over_n_org_admins_needs_m_distinct_admins() {
    for (int n = 1; n <= 7; n++) {
      for (int m = 1; m <= n; m++) {
        List<SignaturePolicies.Role> roles = ORGS.subList(0, n).stream()
            .map(o -> new SignaturePolicies.Role(o.mspId, MSPRole.MSPRoleType.ADMIN)).toList();
        Config config = ConfigEdits.setPolicy(channel(n, Rule.MAJORITY), "Application", "Admins",
            SignaturePolicies.policy(SignaturePolicies.outOf(m, roles)), "Admins");
        PolicyEvaluator evaluator = new PolicyEvaluator(config);
        for (int k = 0; k <= n; k++) {
          assertThat(evaluator.evaluate(List.of("Application"), "Admins", admins(k)).satisfied())
              .as("OutOf(%d) of %d with %d signers", m, n, k).isEqualTo(k >= m);
        }
      }
    }
  }

  @Test
  void the_same_admin_signing_twice_counts_once() {
    PolicyEvaluator evaluator = new PolicyEvaluator(channel(3, Rule.MAJORITY));
    List<PolicyEvaluator.Signer> twice = List.of(admins(1).get(0), admins(1).get(0));
    PolicyEvaluator.Outcome outcome = evaluator.evaluate(List.of("Application"), "Admins", twice);
    assertThat(outcome.satisfied()).isFalse();
    assertThat(outcome.missing()).isEqualTo("needs 1 more admin signature from Org2MSP or Org3MSP");
  }

  @Test
  void a_signature_policy_counts_one_identity_once_even_for_two_principals() {
    var roles = List.of(new SignaturePolicies.Role("Org1MSP", MSPRole.MSPRoleType.ADMIN),
        new SignaturePolicies.Role("Org1MSP", MSPRole.MSPRoleType.MEMBER));
    Config config = ConfigEdits.setPolicy(channel(1, Rule.ANY), "Application", "Admins",
        SignaturePolicies.policy(SignaturePolicies.outOf(2, roles)), "Admins");
    PolicyEvaluator evaluator = new PolicyEvaluator(config);
    assertThat(evaluator.evaluate(List.of("Application"), "Admins", admins(1)).satisfied()).isFalse();
    var second = new PolicyEvaluator.Signer("Org1MSP", ORGS.get(0).issue("User1", "client").certificate());
    assertThat(evaluator.evaluate(List.of("Application"), "Admins", List.of(admins(1).get(0), second)).satisfied()).isTrue();
  }

  @Test
  void signers_of_the_wrong_org_or_role_are_not_counted() {
    PolicyEvaluator evaluator = new PolicyEvaluator(channel(3, Rule.ANY));
    var client = new PolicyEvaluator.Signer("Org1MSP", ORGS.get(0).issue("User1", "client").certificate());
    var peer = new PolicyEvaluator.Signer("Org3MSP", ORGS.get(2).issue("peer0", "peer").certificate());
    var wrongMsp = new PolicyEvaluator.Signer("Org2MSP", ORGS.get(0).admin.certificate());
    var outsider = new PolicyEvaluator.Signer("Org1MSP", TestOrg.withNodeOus("Org1MSP").admin.certificate());
    PolicyEvaluator.Outcome outcome = evaluator.evaluate(List.of("Application"), "Admins", List.of(client, peer, wrongMsp, outsider));
    assertThat(outcome.satisfied()).isFalse();
    assertThat(outcome.missing()).isEqualTo("needs 1 more admin signature from Org1MSP or Org2MSP or Org3MSP");
  }

  @Test
  void a_non_admin_member_satisfies_member_policies() {
    PolicyEvaluator evaluator = new PolicyEvaluator(channel(2, Rule.ANY));
    var client = new PolicyEvaluator.Signer("Org1MSP", ORGS.get(0).issue("User1", "client").certificate());
    assertThat(evaluator.evaluate(List.of("Application"), "Writers", List.of(client)).satisfied()).isTrue();
    assertThat(evaluator.evaluate(List.of("Application", "Org1MSP"), "Endorsement", List.of(client)).satisfied()).isFalse();
  }

  @Test
  void adding_an_org_to_a_channel_of_n_orgs_needs_n_over_2_plus_1_admin_signatures() {
    for (int n = 1; n <= 5; n++) {
      Config current = channel(n, Rule.MAJORITY);
      ConfigUpdate update = ConfigUpdates.compute(current,
          ConfigEdits.addApplicationOrg(current, ORGS.get(6).definition()), "mychannel");
      ConfigUpdateEnvelope.Builder envelope = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString());
      for (int k = 0; k < n; k++) {
        UpdatePolicyCheck check = UpdatePolicyCheck.check(current, envelope.build());
        assertThat(check.satisfied()).as("%d orgs, %d signatures", n, k).isEqualTo(k >= n / 2 + 1);
        envelope.addSignatures(ORGS.get(k).admin.signer().signConfigUpdate(envelope.getConfigUpdate()));
      }
      UpdatePolicyCheck all = UpdatePolicyCheck.check(current, envelope.build());
      assertThat(all.satisfied()).isTrue();
      assertThat(all.lines()).contains("group Application: /Channel/Application/Admins satisfied", "satisfied");
    }
  }

  @Test
  void a_channel_level_change_needs_the_admins_of_both_application_and_orderer() {
    Config current = channel(2, Rule.MAJORITY);
    ConfigUpdate update = ConfigUpdates.compute(current,
        ConfigEdits.edit(current, List.of(), g -> g.toBuilder().setModPolicy("Writers").build()), "mychannel");
    ConfigUpdateEnvelope oneSignature = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString())
        .addSignatures(ORGS.get(0).admin.signer().signConfigUpdate(update.toByteString())).build();
    assertThat(UpdatePolicyCheck.check(current, oneSignature).items()).singleElement().extracting(UpdatePolicyCheck.Item::line)
        .isEqualTo("group Channel: /Channel/Admins not satisfied: needs 2 more admin signatures, one from each of Org2MSP, OrdererMSP");
    ConfigUpdateEnvelope all = oneSignature.toBuilder()
        .addSignatures(ORGS.get(1).admin.signer().signConfigUpdate(update.toByteString()))
        .addSignatures(ORDERER.admin.signer().signConfigUpdate(update.toByteString())).build();
    assertThat(UpdatePolicyCheck.check(current, all).satisfied()).isTrue();
  }

  @Test
  void nested_needs_that_do_not_add_up_simply_are_spelled_out_per_group() {
    Config current = channel(3, Rule.MAJORITY);
    ConfigUpdate update = ConfigUpdates.compute(current,
        ConfigEdits.edit(current, List.of(), g -> g.toBuilder().setModPolicy("Writers").build()), "mychannel");
    ConfigUpdateEnvelope oneSignature = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString())
        .addSignatures(ORGS.get(0).admin.signer().signConfigUpdate(update.toByteString())).build();
    assertThat(UpdatePolicyCheck.check(current, oneSignature).items()).singleElement().extracting(UpdatePolicyCheck.Item::line)
        .isEqualTo("group Channel: /Channel/Admins not satisfied: needs 2 more of the Admins policies of:"
            + " Application needs 1 more admin signature from Org2MSP or Org3MSP; Orderer needs 1 more admin signature from OrdererMSP");
  }

  @Test
  void an_update_whose_read_set_is_stale_is_not_satisfied_whatever_the_signatures() {
    Config current = channel(1, Rule.ANY);
    ConfigUpdate update = ConfigUpdates.compute(current, ConfigEdits.setBatchSize(current, 99, null, null), "mychannel");
    Config advanced = current.toBuilder().setChannelGroup(current.getChannelGroup().toBuilder()
        .putGroups("Orderer", current.getChannelGroup().getGroupsOrThrow("Orderer").toBuilder().setVersion(5).build())).build();
    ConfigUpdateEnvelope envelope = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(update.toByteString())
        .addSignatures(ORDERER.admin.signer().signConfigUpdate(update.toByteString())).build();
    assertThat(UpdatePolicyCheck.check(current, envelope).satisfied()).isTrue();
    UpdatePolicyCheck stale = UpdatePolicyCheck.check(advanced, envelope);
    assertThat(stale.satisfied()).isFalse();
    assertThat(stale.problems()).contains("read set has group Orderer at version 0 but the channel has version 5");
  }
}
