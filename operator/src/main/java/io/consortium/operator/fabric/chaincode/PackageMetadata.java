package io.consortium.operator.fabric.chaincode;

/**
 * The {@code metadata.json} of a chaincode package: {@code {"type", "path", "label"}}. For a
 * chaincode-as-a-service package the type is {@code ccaas} and the path is empty.
 */
public record PackageMetadata(String type, String path, PackageLabel label) {}
