package io.consortium.operator.fabric.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MspDirectoryTest {

  @Test
  void a_nodeou_msp_folder_gives_the_org_configtxgen_would(@TempDir Path dir) throws Exception {
    TestOrg org = TestOrg.withIntermediate("Org5MSP");
    org.writeMaterial(dir);
    OrgDefinition def = MspDirectory.read(dir.resolve("msp"), "Org5MSP", List.of(), List.of());
    FabricMSPConfig msp = def.fabricMspConfig();
    assertThat(msp.getName()).isEqualTo("Org5MSP");
    assertThat(msp.getRootCertsCount()).isEqualTo(1);
    assertThat(msp.getIntermediateCertsCount()).isEqualTo(1);
    assertThat(msp.getFabricNodeOus().getEnable()).isTrue();
    assertThat(msp.getCryptoConfig().getSignatureHashFamily()).isEqualTo("SHA2");
    assertThat(PolicyText.of(def.applicationOrgGroup().getPoliciesOrThrow("Readers").getPolicy()))
        .isEqualTo("OR('Org5MSP.admin', 'Org5MSP.peer', 'Org5MSP.client')");
    assertThat(PolicyText.of(def.applicationOrgGroup().getPoliciesOrThrow("Admins").getPolicy())).isEqualTo("OR('Org5MSP.admin')");
    assertThat(PolicyText.of(def.applicationOrgGroup().getPoliciesOrThrow("Endorsement").getPolicy())).isEqualTo("OR('Org5MSP.peer')");
  }

  @Test
  void an_admin_cert_msp_folder_uses_member_policies(@TempDir Path dir) throws Exception {
    TestOrg.withAdminCerts("Org6MSP").writeMaterial(dir);
    OrgDefinition def = MspDirectory.read(dir.resolve("msp"), "Org6MSP", List.of(), List.of());
    assertThat(def.fabricMspConfig().getAdminsCount()).isEqualTo(1);
    assertThat(PolicyText.of(def.applicationOrgGroup().getPoliciesOrThrow("Writers").getPolicy())).isEqualTo("OR('Org6MSP.member')");
  }

  @Test
  void a_private_key_anywhere_in_the_folder_is_refused(@TempDir Path dir) throws Exception {
    TestOrg org = TestOrg.withNodeOus("Org7MSP");
    org.writeMaterial(dir);
    Files.write(dir.resolve("msp/cacerts/oops.pem"), org.admin.keyPem());
    assertThatThrownBy(() -> MspDirectory.read(dir.resolve("msp"), "Org7MSP", List.of(), List.of()))
        .hasMessage("cacerts/oops.pem holds a private key; only public certificates belong here");
    Files.delete(dir.resolve("msp/cacerts/oops.pem"));
    Files.createDirectories(dir.resolve("msp/keystore"));
    Files.write(dir.resolve("msp/keystore/priv_sk"), org.admin.keyPem());
    assertThatThrownBy(() -> MspDirectory.read(dir.resolve("msp"), "Org7MSP", List.of(), List.of()))
        .hasMessageEndingWith("holds private keys (keystore/); give a copy with the public MSP only");
  }

  @Test
  void an_msp_with_neither_admins_nor_nodeous_is_refused(@TempDir Path dir) throws Exception {
    TestOrg org = TestOrg.withAdminCerts("Org8MSP");
    org.writeMaterial(dir);
    Files.delete(dir.resolve("msp/admincerts/admin.pem"));
    assertThatThrownBy(() -> MspDirectory.read(dir.resolve("msp"), "Org8MSP", List.of(), List.of()))
        .hasMessage("MSP Org8MSP has neither admin certificates nor NodeOUs (admin OU)");
  }

  @Test
  void a_leaf_certificate_as_root_ca_is_refused(@TempDir Path dir) throws Exception {
    TestOrg org = TestOrg.withNodeOus("Org9MSP");
    org.writeMaterial(dir);
    Files.write(dir.resolve("msp/cacerts/ca.pem"), org.admin.certPem());
    assertThatThrownBy(() -> MspDirectory.read(dir.resolve("msp"), "Org9MSP", List.of(), List.of()))
        .hasMessageContaining("is not a CA certificate");
  }
}
