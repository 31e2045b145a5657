package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.FabricOUIdentifier;

/**
 * An organization's MSP as the channel config defines it: which certificates are its members
 * (those that chain to its root or intermediate CAs) and which of them are admins, clients, peers
 * or orderers (admin certificates, or NodeOU organizational units), as fabric's msp/mspimpl.go.
 */
public final class ChannelMsp {

  private final String name;
  private final List<X509Certificate> roots;
  private final List<X509Certificate> intermediates;
  private final List<byte[]> adminDers;
  private final List<X509CRL> crls;
  private final boolean nodeOus;
  private final String clientOu;
  private final String peerOu;
  private final String adminOu;
  private final String ordererOu;

  public ChannelMsp(FabricMSPConfig config) {
    this.name = config.getName();
    this.roots = certs(config.getRootCertsList(), "root certificate of " + name);
    this.intermediates = certs(config.getIntermediateCertsList(), "intermediate certificate of " + name);
    this.adminDers = new ArrayList<>();
    for (X509Certificate admin : certs(config.getAdminsList(), "admin certificate of " + name)) {
      adminDers.add(MspSigner.derOf(admin));
    }
    this.crls = new ArrayList<>();
    for (ByteString crl : config.getRevocationListList()) {
      crls.addAll(crlsOf(crl.toByteArray()));
    }
    var ous = config.getFabricNodeOus();
    this.nodeOus = ous.getEnable();
    this.clientOu = ous.hasClientOuIdentifier() ? ous.getClientOuIdentifier().getOrganizationalUnitIdentifier() : "";
    this.peerOu = ous.hasPeerOuIdentifier() ? ous.getPeerOuIdentifier().getOrganizationalUnitIdentifier() : "";
    this.adminOu = ous.hasAdminOuIdentifier() ? ous.getAdminOuIdentifier().getOrganizationalUnitIdentifier() : "";
    this.ordererOu = ous.hasOrdererOuIdentifier() ? ous.getOrdererOuIdentifier().getOrganizationalUnitIdentifier() : "";
  }

  public String name() {
    return name;
  }

  public boolean nodeOusEnabled() {
    return nodeOus;
  }

  /** Why this MSP does not accept the certificate as a member, or null if it does. */
  public String validate(X509Certificate certificate) {
    if (certificate.getBasicConstraints() >= 0) {
      return "the signer certificate is a CA certificate";
    }
    if (roots.isEmpty()) {
      return "MSP " + name + " has no root certificates";
    }
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate root : roots) {
        anchors.add(new TrustAnchor(root, null));
      }
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(certificate);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      List<Object> pool = new ArrayList<>(intermediates);
      pool.add(certificate);
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      params.setRevocationEnabled(false);
      // Fabric validates MSP identities as of the certificate's start, so expiry is not checked here.
      params.setDate(new Date(certificate.getNotBefore().getTime() + 1000));
      var builder = java.security.cert.CertPathBuilder.getInstance("PKIX");
      PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) builder.build(params);
      CertPathValidator.getInstance("PKIX").validate(result.getCertPath(), params);
    } catch (CertPathValidatorException e) {
      return "the signer certificate does not chain to a CA of " + name + ": " + e.getMessage();
    } catch (java.security.cert.CertPathBuilderException e) {
      return "the signer certificate does not chain to a root or intermediate CA of " + name;
    } catch (GeneralSecurityException e) {
      return "cannot validate the signer certificate against " + name + ": " + e.getMessage();
    }
    for (X509CRL crl : crls) {
      if (crl.isRevoked(certificate)) {
        return "the signer certificate is revoked by " + name;
      }
    }
    if (nodeOus) {
      List<String> ous = organizationalUnits(certificate);
      long roles = java.util.stream.Stream.of(clientOu, peerOu, adminOu, ordererOu)
          .filter(ou -> !ou.isEmpty() && ous.contains(ou)).count();
      if (roles == 0 && !isAdminCertificate(certificate)) {
        return "the signer certificate carries none of " + name + "'s NodeOU roles (client, peer, admin, orderer)";
      }
    }
    return null;
  }

  /** Whether a valid member certificate has the role, as fabric's satisfiesPrincipal decides. */
  public boolean hasRole(X509Certificate certificate, MSPRole.MSPRoleType role) {
    List<String> ous = organizationalUnits(certificate);
    return switch (role) {
      case MEMBER -> true;
      case ADMIN -> isAdminCertificate(certificate) || (nodeOus && !adminOu.isEmpty() && ous.contains(adminOu));
      case CLIENT -> nodeOus && !clientOu.isEmpty() && ous.contains(clientOu);
      case PEER -> nodeOus && !peerOu.isEmpty() && ous.contains(peerOu);
      case ORDERER -> nodeOus && !ordererOu.isEmpty() && ous.contains(ordererOu);
      default -> false;
    };
  }

  private boolean isAdminCertificate(X509Certificate certificate) {
    byte[] der = MspSigner.derOf(certificate);
    return adminDers.stream().anyMatch(a -> Arrays.equals(a, der));
  }

  static List<String> organizationalUnits(X509Certificate certificate) {
    List<String> out = new ArrayList<>();
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    for (RDN rdn : subject.getRDNs(BCStyle.OU)) {
      out.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return out;
  }

  /** The subject as Fabric users read it (RFC 2253 order reversed to CN first is not attempted). */
  public static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253)
        .replace(",", ", ");
  }

  private static List<X509Certificate> certs(List<ByteString> pems, String what) {
    List<X509Certificate> out = new ArrayList<>();
    for (ByteString pem : pems) {
      out.addAll(Pem.certificates(pem.toByteArray(), what));
    }
    return out;
  }

  private static List<X509CRL> crlsOf(byte[] pem) {
    List<X509CRL> out = new ArrayList<>();
    try {
      for (var crl : CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(pem))) {
        out.add((X509CRL) crl);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("a revocation list of the MSP is not a CRL: " + e.getMessage());
    }
    return out;
  }

  static boolean unusedOuIdentifier(FabricOUIdentifier id) {
    return id.getOrganizationalUnitIdentifier().isEmpty();
  }
}
