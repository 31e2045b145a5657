package io.consortium.operator.fabric.config;

import static io.consortium.operator.testing.CliRun.run;

import io.consortium.operator.testing.CliRun.Run;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The fabric config commands run on files, end to end: the worked example of the docs (add Org3
 * to a channel of Org1 and Org2, both sign, the policy is satisfied) and the refusals.
 * With -Dexample.dir=DIR the example material is written there, to run the jar by hand.
 */
class FabricConfigCliTest {



  /** Writes orderer, org1 (NodeOUs), org2 (admin certs), org3 material and a block of mychannel. */
  static void writeExample(Path dir) throws Exception {
    TestOrg orderer = TestOrg.withNodeOus("OrdererMSP");
    TestOrg org1 = TestOrg.withNodeOus("Org1MSP");
    TestOrg org2 = TestOrg.withAdminCerts("Org2MSP");
    TestOrg org3 = TestOrg.withIntermediate("Org3MSP");
    orderer.writeMaterial(dir.resolve("orderer"));
    org1.writeMaterial(dir.resolve("org1"));
    org2.writeMaterial(dir.resolve("org2"));
    org3.writeMaterial(dir.resolve("org3"));
    Config config = TestChannel.config(orderer, List.of(org1, org2));
    Files.write(dir.resolve("mychannel.block"), TestChannel.block(config, "mychannel").toByteArray());
  }

  private static Path exampleDir(Path tmp) throws Exception {
    String wanted = System.getProperty("example.dir");
    Path dir = wanted == null ? tmp : Path.of(wanted);
    Files.createDirectories(dir);
    writeExample(dir);
    return dir;
  }

  private static String p(Path dir, String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void org3_joins_mychannel_after_org1_and_org2_admins_sign(@TempDir Path tmp) throws Exception {
    Path d = exampleDir(tmp);

    Run def = run("fabric", "org-definition", "--msp-id", "Org3MSP", "--msp-dir", p(d, "org3/msp"),
        "--anchor-peer", "peer0.org3.example.com:7051", "-o", p(d, "org3.json"));
    assertThat(def.code()).as(def.err()).isZero();
    assertThat(Files.readString(d.resolve("org3.json"))).contains("\"name\" : \"Org3MSP\"");

    Run edit = run("fabric", "edit-config", "--config", p(d, "mychannel.block"), "--add-org", p(d, "org3.json"), "-o", p(d, "updated.pb"));
    assertThat(edit.code()).as(edit.err()).isZero();
    assertThat(edit.out()).isEqualTo("added application org Org3MSP" + System.lineSeparator());

    Run compute = run("fabric", "compute-update", "--original", p(d, "mychannel.block"), "--updated", p(d, "updated.pb"),
        "--channel", "mychannel", "-o", p(d, "update.pb"));
    assertThat(compute.code()).as(compute.err()).isZero();
    assertThat(compute.out()).startsWith("add group Application/Org3MSP at version 0 with values AnchorPeers, MSP and policies Admins, Endorsement, Readers, Writers");
    assertThat(ConfigUpdate.parseFrom(Files.readAllBytes(d.resolve("update.pb"))).getChannelId()).isEqualTo("mychannel");

    Run sign1 = run("fabric", "sign", "--msp-id", "Org1MSP", "--cert", p(d, "org1/admin/cert.pem"), "--key", p(d, "org1/admin/key.pem"),
        p(d, "update.pb"), "-o", p(d, "update-signed1.pb"));
    assertThat(sign1.code()).as(sign1.err()).isZero();
    Run check1 = run("fabric", "policy-check", "--config", p(d, "mychannel.block"), p(d, "update-signed1.pb"));
    assertThat(check1.code()).isEqualTo(1);
    assertThat(check1.out()).contains("group Application: /Channel/Application/Admins not satisfied: needs 1 more admin signature from Org2MSP");

    Run sign2 = run("fabric", "sign", "--msp-id", "Org2MSP", "--cert", p(d, "org2/admin/cert.pem"), "--key", p(d, "org2/admin/key.pem"),
        "--config", p(d, "mychannel.block"), p(d, "update-signed1.pb"), "-o", p(d, "update-signed2.pb"));
    assertThat(sign2.code()).as(sign2.err()).isZero();
    assertThat(sign2.out()).startsWith("add group Application/Org3MSP at version 0").contains("signed by Org2MSP");
    assertThat(ConfigUpdateEnvelope.parseFrom(Files.readAllBytes(d.resolve("update-signed2.pb"))).getSignaturesCount()).isEqualTo(2);

    Run verify = run("fabric", "verify-signatures", p(d, "update-signed2.pb"), "--config", p(d, "mychannel.block"));
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out().lines()).hasSize(2).allMatch(l -> l.endsWith(" valid"));

    Run check2 = run("fabric", "policy-check", "--config", p(d, "mychannel.block"), p(d, "update-signed2.pb"));
    assertThat(check2.code()).as(check2.out()).isZero();
    assertThat(check2.out().lines().toList()).last().isEqualTo("satisfied");

    Run inspect = run("fabric", "inspect", p(d, "update-signed2.pb"));
    assertThat(inspect.code()).isZero();
    assertThat(inspect.out()).contains("\"Org3MSP\"", "\"mspid\" : \"Org2MSP\"");
  }

  @Test
  void signing_a_config_update_envelope_gives_an_envelope_the_submitter_signed(@TempDir Path d) throws Exception {
    writeExample(d);
    run("fabric", "edit-config", "--config", p(d, "mychannel.block"), "--batch-max-messages", "50", "-o", p(d, "updated.json"));
    Run compute = run("fabric", "compute-update", "--original", p(d, "mychannel.block"), "--updated", p(d, "updated.json"),
        "--channel", "mychannel", "-o", p(d, "update.pb"));
    assertThat(compute.out().strip()).isEqualTo("Orderer/BatchSize: max_message_count 10 -> 50");
    // A CONFIG_UPDATE envelope in, a CONFIG_UPDATE envelope out.
    var update = ConfigUpdateEnvelope.newBuilder().setConfigUpdate(com.google.protobuf.ByteString.copyFrom(Files.readAllBytes(d.resolve("update.pb")))).build();
    MspSigner orderer = new MspSigner("OrdererMSP", Files.readAllBytes(d.resolve("orderer/admin/cert.pem")), Files.readAllBytes(d.resolve("orderer/admin/key.pem")));
    Files.write(d.resolve("tx.pb"), ConfigUpdateSubmission.envelope(update, orderer, java.time.Instant.now()).toByteArray());
    Run sign = run("fabric", "sign", "--msp-id", "OrdererMSP", "--cert", p(d, "orderer/admin/cert.pem"), "--key", p(d, "orderer/admin/key.pem"),
        p(d, "tx.pb"), "-o", p(d, "tx-signed.pb"));
    assertThat(sign.code()).as(sign.err()).isZero();
    ConfigDocument signed = ConfigDocument.read(d.resolve("tx-signed.pb"));
    assertThat(signed.kind()).isEqualTo(ConfigDocument.Kind.ENVELOPE);
    Envelope envelope = (Envelope) signed.message();
    assertThat(MspSigner.EcSignatures.verify((java.security.interfaces.ECPublicKey) orderer.certificate().getPublicKey(),
        envelope.getPayload().toByteArray(), envelope.getSignature().toByteArray())).isTrue();
    Run check = run("fabric", "policy-check", "--config", p(d, "mychannel.block"), p(d, "tx-signed.pb"));
    assertThat(check.code()).as(check.out()).isZero();
  }

  @Test
  void inspect_prints_a_real_block_as_configtxlator_json() throws Exception {
    Path block = FabricVectors.blocks().resolve("etcdraft-testchannel-genesis.block");
    Run inspect = run("fabric", "inspect", block.toString());
    assertThat(inspect.code()).isZero();
    assertThat(inspect.out()).contains("\"channel_id\" : \"testchannel\"", "\"extension\" : null", "\"type\" : \"etcdraft\"");
  }

  @Test
  void inspect_converts_json_back_to_the_same_protobuf(@TempDir Path d) throws Exception {
    Path block = FabricVectors.blocks().resolve("smartbft-mychannel.block");
    assertThat(run("fabric", "inspect", block.toString(), "-o", p(d, "block.json")).code()).isZero();
    Run back = run("fabric", "inspect", p(d, "block.json"), "-o", p(d, "block.pb"));
    assertThat(back.out().strip()).isEqualTo("wrote block to " + p(d, "block.pb"));
    assertThat(Files.readAllBytes(d.resolve("block.pb"))).isEqualTo(Files.readAllBytes(block));
  }

  @Test
  void verify_signatures_on_the_real_genesis_block_checks_its_last_update() throws Exception {
    Path block = FabricVectors.blocks().resolve("etcdraft-testchannel-genesis.block");
    Run verify = run("fabric", "verify-signatures", block.toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out()).startsWith("Org1MSP CN=Admin@org1.example.com").contains(" valid");
  }

  @Test
  void a_tampered_signature_makes_verify_signatures_exit_1_naming_the_check(@TempDir Path d) throws Exception {
    writeExample(d);
    run("fabric", "edit-config", "--config", p(d, "mychannel.block"), "--batch-timeout", "1s", "-o", p(d, "updated.pb"));
    run("fabric", "compute-update", "--original", p(d, "mychannel.block"), "--updated", p(d, "updated.pb"), "--channel", "mychannel", "-o", p(d, "update.pb"));
    run("fabric", "sign", "--msp-id", "Org1MSP", "--cert", p(d, "org1/admin/cert.pem"), "--key", p(d, "org1/admin/key.pem"), p(d, "update.pb"), "-o", p(d, "signed.json"));
    String json = Files.readString(d.resolve("signed.json"));
    String signature = json.replaceAll("(?s).*\"signature\" : \"([^\"]+)\".*", "$1");
    String tampered = signature.substring(0, 10) + (signature.charAt(10) == 'A' ? 'B' : 'A') + signature.substring(11);
    Files.writeString(d.resolve("tampered.json"), json.replace(signature, tampered));
    Run verify = run("fabric", "verify-signatures", p(d, "tampered.json"), "--config", p(d, "mychannel.block"));
    assertThat(verify.code()).isEqualTo(1);
    assertThat(verify.out()).startsWith("Org1MSP CN=Admin@org1msp").contains(" INVALID: ");
  }

  @Test
  void bad_files_give_one_line_on_stderr_and_a_non_zero_exit(@TempDir Path d) throws Exception {
    Files.writeString(d.resolve("garbage.pb"), "this is not protobuf at all \u0001\u0002");
    Files.writeString(d.resolve("bad.json"), "{\"nonsense\": 1}");
    Files.createDirectories(d.resolve("msp/keystore"));
    Files.createDirectories(d.resolve("msp/cacerts"));
    Files.writeString(d.resolve("msp/keystore/key.pem"), "secret");
    List<String[]> cases = List.of(
        new String[] {"fabric", "inspect", p(d, "garbage.pb")},
        new String[] {"fabric", "inspect", p(d, "bad.json")},
        new String[] {"fabric", "inspect", p(d, "missing.pb")},
        new String[] {"fabric", "compute-update", "--original", p(d, "garbage.pb"), "--updated", p(d, "garbage.pb"), "--channel", "c", "-o", p(d, "o.pb")},
        new String[] {"fabric", "sign", "--msp-id", "Org1MSP", "--cert", p(d, "bad.json"), "--key", p(d, "bad.json"), p(d, "garbage.pb"), "-o", p(d, "o.pb")},
        new String[] {"fabric", "verify-signatures", p(d, "garbage.pb")},
        new String[] {"fabric", "policy-check", "--config", p(d, "bad.json"), p(d, "garbage.pb")},
        new String[] {"fabric", "org-definition", "--msp-id", "Org9MSP", "--msp-dir", p(d, "msp"), "-o", p(d, "o.json")},
        new String[] {"fabric", "edit-config", "--config", p(d, "garbage.pb"), "--remove-org", "X", "-o", p(d, "o.pb")});
    for (String[] args : cases) {
      Run r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err().lines()).as(String.join(" ", args)).singleElement().asString().startsWith("error: ").doesNotContain("Exception");
    }
    assertThat(run("fabric", "org-definition", "--msp-id", "Org9MSP", "--msp-dir", p(d, "msp"), "-o", p(d, "o.json")).err())
        .contains("holds private keys (keystore/)");
  }

  @Test
  void a_config_with_no_difference_is_refused_by_compute_update(@TempDir Path d) throws Exception {
    writeExample(d);
    Run r = run("fabric", "compute-update", "--original", p(d, "mychannel.block"), "--updated", p(d, "mychannel.block"), "--channel", "mychannel", "-o", p(d, "u.pb"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("error: no differences between the original and the updated config");
  }
}
