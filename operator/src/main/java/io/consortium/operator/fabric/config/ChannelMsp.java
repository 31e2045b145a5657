package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import io.consortium.operator.pki.CertificateFacts;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.Sha256;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
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
  /** Per NodeOU role, the SHA-256 of the certification chain its identifier names (null: any chain). */
  private final java.util.Map<String, byte[]> nodeOuCertifiers = new java.util.HashMap<>();
  /** The MSP's organizational_unit_identifiers: OU -> certifier chain identifiers (empty list: any). */
  private final java.util.Map<String, List<byte[]>> ouIdentifiers = new java.util.HashMap<>();

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
    for (FabricOUIdentifier id : config.getOrganizationalUnitIdentifiersList()) {
      List<byte[]> certifiers = ouIdentifiers.computeIfAbsent(id.getOrganizationalUnitIdentifier(), k -> new ArrayList<>());
      if (!id.getCertificate().isEmpty()) {
        List<X509Certificate> chain = caChain(Pem.oneCertificate(id.getCertificate().toByteArray(), "OU certificate of " + name));
        if (chain == null) {
          throw new IllegalArgumentException("an organizational unit certificate of " + name + " is not one of its CAs");
        }
        certifiers.add(chainIdentifier(chain));
      }
    }
    for (FabricOUIdentifier id : List.of(ous.getClientOuIdentifier(), ous.getPeerOuIdentifier(),
        ous.getAdminOuIdentifier(), ous.getOrdererOuIdentifier())) {
      if (!id.getOrganizationalUnitIdentifier().isEmpty() && !id.getCertificate().isEmpty()) {
        X509Certificate ca = Pem.oneCertificate(id.getCertificate().toByteArray(), "NodeOU certificate of " + name);
        List<X509Certificate> chain = caChain(ca);
        if (chain == null) {
          throw new IllegalArgumentException("the NodeOU certificate of " + name + " is not one of its CAs");
        }
        nodeOuCertifiers.put(id.getOrganizationalUnitIdentifier(), chainIdentifier(chain));
      }
    }
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
    List<X509Certificate> chain;
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
      chain = new ArrayList<>();
      for (var c : result.getCertPath().getCertificates()) {
        chain.add((X509Certificate) c);
      }
      chain.add(result.getTrustAnchor().getTrustedCert());
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
    byte[] certifiers = chainIdentifier(chain.subList(1, chain.size()));
    if (!ouIdentifiers.isEmpty()) {
      // Fabric (validateIdentityOUsV1): one of the identity's OUs must be listed, from the listed CA.
      boolean listed = false;
      for (String ou : organizationalUnits(certificate)) {
        List<byte[]> allowed = ouIdentifiers.get(ou);
        if (allowed != null && (allowed.isEmpty() || allowed.stream().anyMatch(a -> Arrays.equals(a, certifiers)))) {
          listed = true;
        }
      }
      if (!listed) {
        return "none of the signer's organizational units is one of " + name + "'s organizational_unit_identifiers";
      }
    }
    if (nodeOus) {
      // Fabric (msp validateIdentityOUsV142): exactly one NodeOU role, certified through the named CA.
      int roles = 0;
      for (String ou : organizationalUnits(certificate)) {
        if (ou.isEmpty() || !(ou.equals(clientOu) || ou.equals(peerOu) || ou.equals(adminOu) || ou.equals(ordererOu))) {
          continue;
        }
        byte[] expected = nodeOuCertifiers.get(ou);
        if (expected != null && !Arrays.equals(expected, certifiers)) {
          return "the signer's OU " + ou + " is not certified by the CA " + name + " names for it";
        }
        roles++;
      }
      if (roles == 0) {
        return "the signer certificate carries none of " + name + "'s NodeOU roles (client, peer, admin, orderer)";
      }
      if (roles > 1) {
        return "the signer certificate carries more than one of " + name + "'s NodeOU roles";
      }
    }
    return null;
  }

  /** The chain from a CA of this MSP up to its root (the CA first), or null if it is none of them. */
  private List<X509Certificate> caChain(X509Certificate ca) {
    List<X509Certificate> chain = new ArrayList<>();
    X509Certificate current = ca;
    for (int depth = 0; depth < 10; depth++) {
      if (!roots.contains(current) && !intermediates.contains(current)) {
        return null;
      }
      chain.add(current);
      if (roots.contains(current)) {
        return chain;
      }
      X509Certificate issuerCert = null;
      for (X509Certificate candidate : concat(roots, intermediates)) {
        if (candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal()) && !candidate.equals(current)) {
          issuerCert = candidate;
        }
      }
      if (issuerCert == null) {
        return null;
      }
      current = issuerCert;
    }
    return null;
  }

  private static List<X509Certificate> concat(List<X509Certificate> a, List<X509Certificate> b) {
    List<X509Certificate> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Fabric's certification chain identifier: SHA-256 over the DER of each certificate, in order. */
  private static byte[] chainIdentifier(List<X509Certificate> chain) {
    var digest = Sha256.newDigest();
    for (X509Certificate c : chain) {
      digest.update(MspSigner.derOf(c));
    }
    return digest.digest();
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

  /** The subject in RFC 2253 order (most specific first), as in "CN=Admin@org1.example.com, OU=client, ...". */
  public static String subject(X509Certificate certificate) {
    return CertificateFacts.name(certificate.getSubjectX500Principal());
  }

  private static List<X509Certificate> certs(List<ByteString> pems, String what) {
    List<X509Certificate> out = new ArrayList<>();
    for (ByteString pem : pems) {
      out.addAll(Pem.certificates(pem.toByteArray(), what));
    }
    return out;
  }

  private static List<X509CRL> crlsOf(byte[] pem) {
    return Pem.crls(pem, "a revocation list of the MSP");
  }
}
