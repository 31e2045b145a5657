package io.consortium.operator.fabric.chaincode;

/** A chaincode package that Fabric's peer would refuse; the message says what is wrong with it. */
public final class InvalidChaincodePackageException extends IllegalArgumentException {
  public InvalidChaincodePackageException(String message) {
    super(message);
  }
}
