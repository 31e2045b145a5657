package io.consortium.operator.api.v1alpha1.spec;

/** The receiver's decision on an incoming KeyShare, NetworkShare or ChaincodeShare. */
public enum Decision {
  Accept,
  Reject
}
