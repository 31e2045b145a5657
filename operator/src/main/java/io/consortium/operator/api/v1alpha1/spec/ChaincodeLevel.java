package io.consortium.operator.api.v1alpha1.spec;

/** How much of a chaincode is handed over. */
public enum ChaincodeLevel {
  /** The source, for the receiver to build and package itself. */
  Source,
  /** The package, so that every org has the same package ID. */
  Package,
  /** The package, and the receiver installs (for CCaaS: runs) it on accept. */
  Installed
}
