package io.consortium.operator.fabric.chaincode;

import io.consortium.operator.pki.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A digest of a chaincode definition that two orgs compare before approving: equal definitions
 * give equal digests, any change of a field a commit compares gives another one.
 *
 * <p>Definition ({@code v1}): lowercase hex of SHA-256 over the ASCII tag
 * {@code fabric-chaincode-definition/v1} followed by eight fields in this order, each written as a
 * 4-byte big-endian length and then its bytes:
 * <ol>
 *   <li>name, UTF-8
 *   <li>version, UTF-8
 *   <li>sequence, 8 bytes big-endian
 *   <li>endorsement plugin, UTF-8 (escc when not chosen)
 *   <li>validation plugin, UTF-8 (vscc when not chosen)
 *   <li>validation parameter: the marshalled {@code ApplicationPolicy}, the exact bytes approve and
 *       commit carry
 *   <li>init required, one byte 0 or 1
 *   <li>collections: the marshalled {@code CollectionConfigPackage}, empty when there are none
 * </ol>
 * The package ID is not part of it: it is each org's local choice, not part of what a commit
 * compares. The two protobuf fields are stable across JVMs and runs: these messages have no map
 * fields, carry no unknown fields when built here, and protobuf-java writes fields in field-number
 * order; Fabric itself compares these values as marshalled bytes.
 */
public record DefinitionDigest(String hex) {

  static final byte[] TAG = "fabric-chaincode-definition/v1".getBytes(StandardCharsets.US_ASCII);

  static DefinitionDigest of(ChaincodeDefinition d) {
    ByteArrayOutputStream canonical = new ByteArrayOutputStream();
    canonical.writeBytes(TAG);
    field(canonical, utf8(d.name()));
    field(canonical, utf8(d.version()));
    field(canonical, ByteBuffer.allocate(Long.BYTES).putLong(d.sequence()).array());
    field(canonical, utf8(d.endorsementPlugin()));
    field(canonical, utf8(d.validationPlugin()));
    field(canonical, d.validationParameter());
    field(canonical, new byte[] {(byte) (d.initRequired() ? 1 : 0)});
    field(canonical, d.collectionsPackage().toByteArray());
    return new DefinitionDigest(Sha256.hex(canonical.toByteArray()));
  }

  private static void field(ByteArrayOutputStream out, byte[] value) {
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(value.length).array());
    out.writeBytes(value);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return hex;
  }
}
