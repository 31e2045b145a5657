package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.consortium.operator.pki.Pem;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.ConfigSignature;
import org.hyperledger.fabric.protos.common.ConfigUpdate;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.junit.jupiter.api.Test;

class ConfigSignatureTest {

  private static final TestOrg ORG1 = TestOrg.withNodeOus("Org1MSP");
  private static final TestOrg ORG2 = TestOrg.withAdminCerts("Org2MSP");
  private static final TestOrg ORG3 = TestOrg.withIntermediate("Org3MSP");
  private static final TestOrg ORDERER = TestOrg.withNodeOus("OrdererMSP");
  private static final Map<String, ChannelMsp> MSPS =
      ChannelMsps.of(TestChannel.config(ORDERER, List.of(ORG1, ORG2, ORG3)));
  private static final ByteString UPDATE =
      ConfigUpdate.newBuilder().setChannelId("mychannel").build().toByteString();

  @Test
  void an_admin_known_by_its_nodeou_signs_and_the_signature_verifies() {
    ConfigSignature signature = ORG1.admin.signer().signConfigUpdate(UPDATE);
    SignatureCheck check = SignatureCheck.of(signature, UPDATE, MSPS);
    assertThat(check.line()).isEqualTo("Org1MSP " + ChannelMsp.subject(ORG1.admin.certificate()) + " valid");
  }

  @Test
  void an_admin_listed_in_admin_certificates_verifies() {
    assertThat(SignatureCheck.of(ORG2.admin.signer().signConfigUpdate(UPDATE), UPDATE, MSPS).failure()).isNull();
  }

  @Test
  void an_admin_issued_by_an_intermediate_ca_verifies() {
    assertThat(SignatureCheck.of(ORG3.admin.signer().signConfigUpdate(UPDATE), UPDATE, MSPS).failure()).isNull();
  }

  @Test
  void the_signature_header_carries_the_msp_id_the_pem_certificate_and_a_24_byte_nonce() throws Exception {
    ConfigSignature signature = ORG1.admin.signer().signConfigUpdate(UPDATE);
    SignatureHeader header = SignatureHeader.parseFrom(signature.getSignatureHeader());
    SerializedIdentity creator = SerializedIdentity.parseFrom(header.getCreator());
    assertThat(creator.getMspid()).isEqualTo("Org1MSP");
    assertThat(creator.getIdBytes().toStringUtf8()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(header.getNonce().size()).isEqualTo(24);
  }

  @Test
  void every_signature_made_is_low_s() {
    MspSigner signer = ORG1.admin.signer();
    BigInteger half = ((ECPublicKey) ORG1.admin.certificate().getPublicKey()).getParams().getOrder().shiftRight(1);
    for (int i = 0; i < 64; i++) {
      BigInteger s = MspSigner.EcSignatures.rs(signer.sign(new byte[] {(byte) i}))[1];
      assertThat(s).isLessThanOrEqualTo(half);
    }
  }

  @Test
  void a_high_s_signature_is_refused_although_the_ecdsa_math_holds() {
    ConfigSignature low = ORG1.admin.signer().signConfigUpdate(UPDATE);
    BigInteger[] rs = MspSigner.EcSignatures.rs(low.getSignature().toByteArray());
    BigInteger n = ((ECPublicKey) ORG1.admin.certificate().getPublicKey()).getParams().getOrder();
    byte[] high = MspSigner.EcSignatures.der(rs[0], n.subtract(rs[1]));
    ConfigSignature highS = low.toBuilder().setSignature(ByteString.copyFrom(high)).build();
    assertThat(MspSigner.EcSignatures.verify((ECPublicKey) ORG1.admin.certificate().getPublicKey(),
        low.getSignatureHeader().concat(UPDATE).toByteArray(), high)).isTrue();
    assertThat(SignatureCheck.of(highS, UPDATE, MSPS).failure()).contains("high S");
  }

  @Test
  void a_client_of_a_nodeou_org_is_valid_but_not_an_admin() {
    ConfigSignature signature = ORG1.issue("User1", "client").signer().signConfigUpdate(UPDATE);
    assertThat(SignatureCheck.of(signature, UPDATE, MSPS).failure()).isEqualTo(
        "the signer is not an admin of Org1MSP (neither OU admin nor in its admin certificates)");
    assertThat(SignatureCheck.of(signature, UPDATE, MSPS, false).valid()).isTrue();
  }

  @Test
  void an_identity_with_two_nodeou_roles_is_not_a_valid_member() {
    var key = TestOrg.keyPair();
    var cert = TestOrg.certificate("O=Org1MSP,OU=admin,OU=client,CN=Both@org1msp", key, ORG1.ca, ORG1.caKey, false);
    ConfigSignature signature = new TestOrg.Identity("Org1MSP", cert, key).signer().signConfigUpdate(UPDATE);
    assertThat(SignatureCheck.of(signature, UPDATE, MSPS, false).failure())
        .isEqualTo("the signer certificate carries more than one of Org1MSP's NodeOU roles");
  }

  @Test
  void an_identity_without_a_nodeou_role_is_not_a_valid_member() {
    ConfigSignature signature = ORG1.issue("Auditor", "audit").signer().signConfigUpdate(UPDATE);
    assertThat(SignatureCheck.of(signature, UPDATE, MSPS, false).failure())
        .isEqualTo("the signer certificate carries none of Org1MSP's NodeOU roles (client, peer, admin, orderer)");
  }

  @Test
  void an_admin_issued_by_the_root_when_the_nodeous_name_the_intermediate_is_refused() {
    var key = TestOrg.keyPair();
    var cert = TestOrg.certificate("O=Org3MSP,OU=admin,CN=Admin2@org3msp", key, ORG3.ca, ORG3.caKey, false);
    ConfigSignature signature = new TestOrg.Identity("Org3MSP", cert, key).signer().signConfigUpdate(UPDATE);
    assertThat(SignatureCheck.of(signature, UPDATE, MSPS).failure())
        .isEqualTo("the signer's OU admin is not certified by the CA Org3MSP names for it");
  }

  @Test
  void an_msp_listing_organizational_units_accepts_only_identities_of_those_units() {
    var msp = ORG1.definition().fabricMspConfig().toBuilder()
        .addOrganizationalUnitIdentifiers(org.hyperledger.fabric.protos.msp.FabricOUIdentifier.newBuilder()
            .setCertificate(ByteString.copyFrom(Pem.encode(ORG1.ca))).setOrganizationalUnitIdentifier("finance"))
        .build();
    ChannelMsp channelMsp = new ChannelMsp(msp);
    var key = TestOrg.keyPair();
    var finance = TestOrg.certificate("O=Org1MSP,OU=finance,OU=admin,CN=Cfo@org1msp", key, ORG1.ca, ORG1.caKey, false);
    assertThat(channelMsp.validate(finance)).isNull();
    assertThat(channelMsp.validate(ORG1.admin.certificate()))
        .isEqualTo("none of the signer's organizational units is one of Org1MSP's organizational_unit_identifiers");
  }

  @Test
  void a_certificate_from_another_ca_claiming_the_msp_does_not_chain() {
    TestOrg impostor = TestOrg.withNodeOus("Org1MSP");
    ConfigSignature signature = impostor.admin.signer().signConfigUpdate(UPDATE);
    assertThat(SignatureCheck.of(signature, UPDATE, MSPS).failure()).startsWith("the signer certificate does not chain");
  }

  @Test
  void a_signer_of_an_msp_the_channel_does_not_know_is_refused() {
    ConfigSignature signature = TestOrg.withNodeOus("Org9MSP").admin.signer().signConfigUpdate(UPDATE);
    assertThat(SignatureCheck.of(signature, UPDATE, MSPS).failure()).isEqualTo("MSP Org9MSP is not defined in the channel config");
  }

  @Test
  void a_signature_over_other_bytes_is_refused() {
    ConfigSignature signature = ORG1.admin.signer().signConfigUpdate(UPDATE);
    ByteString other = ConfigUpdate.newBuilder().setChannelId("otherchannel").build().toByteString();
    assertThat(SignatureCheck.of(signature, other, MSPS).failure())
        .isEqualTo("the signature does not match the signature header and config update bytes");
  }

  @Test
  void a_key_that_does_not_belong_to_the_certificate_is_refused() {
    byte[] otherKey = ORG2.admin.keyPem();
    assertThatThrownBy(() -> new MspSigner("Org1MSP", ORG1.admin.certPem(), otherKey))
        .hasMessage("the signer key does not belong to the signer certificate");
  }

  @Test
  void an_rsa_key_is_refused() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    byte[] rsaKey = TestOrg.pkcs8(rsa.generateKeyPair().getPrivate());
    assertThatThrownBy(() -> new MspSigner("Org1MSP", ORG1.admin.certPem(), rsaKey))
        .hasMessageContaining("Fabric MSP identities sign with EC keys");
  }
}
