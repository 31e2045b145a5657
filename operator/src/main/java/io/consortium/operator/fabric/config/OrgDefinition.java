package io.consortium.operator.fabric.config;

import static org.hyperledger.fabric.protos.common.MSPRole.MSPRoleType.ADMIN;
import static org.hyperledger.fabric.protos.common.MSPRole.MSPRoleType.CLIENT;
import static org.hyperledger.fabric.protos.common.MSPRole.MSPRoleType.MEMBER;
import static org.hyperledger.fabric.protos.common.MSPRole.MSPRoleType.PEER;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.consortium.operator.pki.Pem;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.OrdererAddresses;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.msp.FabricCryptoConfig;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.FabricNodeOUs;
import org.hyperledger.fabric.protos.msp.FabricOUIdentifier;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.peer.AnchorPeer;
import org.hyperledger.fabric.protos.peer.AnchorPeers;

/**
 * An organization's definition for a channel, from its public MSP material only: the org config
 * group with its MSP value and the Readers, Writers, Admins (and, for application orgs,
 * Endorsement) policies that configtxgen makes from the usual configtx.yaml.
 */
public record OrgDefinition(
    String mspId,
    List<X509Certificate> rootCerts,
    List<X509Certificate> intermediateCerts,
    List<X509Certificate> tlsRootCerts,
    List<X509Certificate> tlsIntermediateCerts,
    List<X509Certificate> adminCerts,
    boolean nodeOus,
    X509Certificate nodeOuCertificate,
    List<HostPort> anchorPeers,
    List<String> ordererEndpoints) {

  private static final Pattern MSP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** A host and port, as in anchor peers. */
  public record HostPort(String host, int port) {
    public static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("'" + text + "' is not host:port");
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("'" + text + "' has a port outside 1-65535");
      }
      return new HostPort(text.substring(0, colon), port);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public OrgDefinition {
    if (mspId == null || !MSP_ID.matcher(mspId).matches()) {
      throw new IllegalArgumentException("'" + mspId + "' is not a valid MSP ID");
    }
    if (rootCerts.isEmpty()) {
      throw new IllegalArgumentException("MSP " + mspId + " needs at least one root CA certificate");
    }
    if (!nodeOus && adminCerts.isEmpty()) {
      // DOMAIN.md: an MSP with neither admins nor an admin OU is invalid.
      throw new IllegalArgumentException("MSP " + mspId + " has neither admin certificates nor NodeOUs (admin OU)");
    }
    for (X509Certificate root : rootCerts) {
      if (root.getBasicConstraints() < 0) {
        throw new IllegalArgumentException("root certificate " + ChannelMsp.subject(root) + " of " + mspId + " is not a CA certificate");
      }
    }
    if (nodeOuCertificate != null && !rootCerts.contains(nodeOuCertificate) && !intermediateCerts.contains(nodeOuCertificate)) {
      throw new IllegalArgumentException("the NodeOU certificate of " + mspId + " is neither one of its root nor intermediate CAs");
    }
    rootCerts = List.copyOf(rootCerts);
    intermediateCerts = List.copyOf(intermediateCerts);
    tlsRootCerts = List.copyOf(tlsRootCerts);
    tlsIntermediateCerts = List.copyOf(tlsIntermediateCerts);
    adminCerts = List.copyOf(adminCerts);
    anchorPeers = List.copyOf(anchorPeers);
    ordererEndpoints = List.copyOf(ordererEndpoints);
  }

  /** The FabricMSPConfig as configtxgen writes it (SHA2/SHA256, NodeOUs client/peer/admin/orderer). */
  public FabricMSPConfig fabricMspConfig() {
    FabricMSPConfig.Builder msp = FabricMSPConfig.newBuilder()
        .setName(mspId)
        .setCryptoConfig(FabricCryptoConfig.newBuilder()
            .setSignatureHashFamily("SHA2").setIdentityIdentifierHashFunction("SHA256"));
    rootCerts.forEach(c -> msp.addRootCerts(pem(c)));
    intermediateCerts.forEach(c -> msp.addIntermediateCerts(pem(c)));
    adminCerts.forEach(c -> msp.addAdmins(pem(c)));
    tlsRootCerts.forEach(c -> msp.addTlsRootCerts(pem(c)));
    tlsIntermediateCerts.forEach(c -> msp.addTlsIntermediateCerts(pem(c)));
    if (nodeOus) {
      // The CA named in config.yaml; Fabric then requires identities with a NodeOU to chain through it.
      ByteString ca = nodeOuCertificate == null ? ByteString.EMPTY : pem(nodeOuCertificate);
      msp.setFabricNodeOus(FabricNodeOUs.newBuilder()
          .setEnable(true)
          .setClientOuIdentifier(ou(ca, "client"))
          .setPeerOuIdentifier(ou(ca, "peer"))
          .setAdminOuIdentifier(ou(ca, "admin"))
          .setOrdererOuIdentifier(ou(ca, "orderer")));
    }
    return msp.build();
  }

  /** The application org group (MSP, AnchorPeers; Readers, Writers, Admins, Endorsement). */
  public ConfigGroup applicationOrgGroup() {
    ConfigGroup.Builder group = ConfigGroup.newBuilder().setModPolicy("Admins");
    group.putValues("MSP", value(mspValue()));
    if (!anchorPeers.isEmpty()) {
      group.putValues("AnchorPeers", value(anchorPeersValue(anchorPeers)));
    }
    if (nodeOus) {
      group.putPolicies("Readers", policy(SignaturePolicies.anyOf(mspId, ADMIN, PEER, CLIENT)));
      group.putPolicies("Writers", policy(SignaturePolicies.anyOf(mspId, ADMIN, CLIENT)));
      group.putPolicies("Admins", policy(SignaturePolicies.anyOf(mspId, ADMIN)));
      group.putPolicies("Endorsement", policy(SignaturePolicies.anyOf(mspId, PEER)));
    } else {
      group.putPolicies("Readers", policy(SignaturePolicies.anyOf(mspId, MEMBER)));
      group.putPolicies("Writers", policy(SignaturePolicies.anyOf(mspId, MEMBER)));
      group.putPolicies("Admins", policy(SignaturePolicies.anyOf(mspId, ADMIN)));
      group.putPolicies("Endorsement", policy(SignaturePolicies.anyOf(mspId, MEMBER)));
    }
    return group.build();
  }

  /** The orderer org group (MSP, Endpoints; Readers, Writers, Admins). */
  public ConfigGroup ordererOrgGroup() {
    ConfigGroup.Builder group = ConfigGroup.newBuilder().setModPolicy("Admins");
    group.putValues("MSP", value(mspValue()));
    if (!ordererEndpoints.isEmpty()) {
      group.putValues("Endpoints", value(OrdererAddresses.newBuilder().addAllAddresses(ordererEndpoints).build()));
    }
    group.putPolicies("Readers", policy(SignaturePolicies.anyOf(mspId, MEMBER)));
    group.putPolicies("Writers", policy(SignaturePolicies.anyOf(mspId, MEMBER)));
    group.putPolicies("Admins", policy(SignaturePolicies.anyOf(mspId, ADMIN)));
    return group.build();
  }

  public MSPConfig mspValue() {
    return MSPConfig.newBuilder().setType(0).setConfig(fabricMspConfig().toByteString()).build();
  }

  public static AnchorPeers anchorPeersValue(List<HostPort> peers) {
    AnchorPeers.Builder b = AnchorPeers.newBuilder();
    peers.forEach(p -> b.addAnchorPeers(AnchorPeer.newBuilder().setHost(p.host()).setPort(p.port())));
    return b.build();
  }

  static ConfigValue value(Message message) {
    return ConfigValue.newBuilder().setModPolicy("Admins").setValue(message.toByteString()).build();
  }

  static ConfigPolicy policy(SignaturePolicyEnvelope envelope) {
    return ConfigPolicy.newBuilder().setModPolicy("Admins").setPolicy(SignaturePolicies.policy(envelope)).build();
  }

  private static FabricOUIdentifier ou(ByteString certificate, String ou) {
    return FabricOUIdentifier.newBuilder().setCertificate(certificate).setOrganizationalUnitIdentifier(ou).build();
  }

  private static ByteString pem(X509Certificate certificate) {
    return ByteString.copyFrom(Pem.encode(certificate));
  }
}
