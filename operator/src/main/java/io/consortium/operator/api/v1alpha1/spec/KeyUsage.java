package io.consortium.operator.api.v1alpha1.spec;

/** What a shared key is for, in the words of a Fabric or Besu administrator. */
public enum KeyUsage {
  /** An MSP's root CA certificate. */
  CARoot,
  /** An MSP's intermediate CA certificate. */
  IntermediateCA,
  /** The root CA of an organization's TLS certificates. */
  TLSCARoot,
  /** An organization administrator's certificate. */
  Admin,
  /** A node's identity or a Besu node's public key. */
  Node,
  Other;

  /** A certificate authority's key: it must come with a CA certificate (CA:TRUE, keyCertSign). */
  public boolean isCertificateAuthority() {
    return this == CARoot || this == IntermediateCA || this == TLSCARoot;
  }
}
