package io.consortium.operator.api.v1alpha1.spec;

/** The ledger a network definition, proposal or node belongs to. */
public enum Platform {
  Fabric,
  Besu
}
