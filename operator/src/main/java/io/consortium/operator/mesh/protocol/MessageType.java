package io.consortium.operator.mesh.protocol;

import io.consortium.operator.mesh.protocol.messages.ErrorMessage;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.Inventory;
import io.consortium.operator.mesh.protocol.messages.InventoryDigest;
import io.consortium.operator.mesh.protocol.messages.NodeSet;
import io.consortium.operator.mesh.protocol.messages.PairingRevoked;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.mesh.protocol.messages.RedeemResult;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareExpire;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareResend;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.mesh.protocol.messages.TransferStatus;
import java.util.Optional;

/** Every message the link carries, each with the record its body reads into. */
public enum MessageType {
  HELLO(Hello.class),
  REDEEM(Redeem.class),
  REDEEM_RESULT(RedeemResult.class),
  PAIRING_REVOKED(PairingRevoked.class),
  NODE_SET(NodeSet.class),
  SHARE_OFFER(ShareOffer.class),
  SHARE_ACK(ShareAck.class),
  SHARE_DECISION(ShareDecision.class),
  SHARE_REVOKE(ShareRevoke.class),
  SHARE_EXPIRE(ShareExpire.class),
  SHARE_RESEND(ShareResend.class),
  INVENTORY_DIGEST(InventoryDigest.class),
  INVENTORY(Inventory.class),
  TRANSFER_BEGIN(TransferManifest.class),
  TRANSFER_STATUS(TransferStatus.class),
  CERTIFICATE_UPDATE(io.consortium.operator.mesh.protocol.messages.CertificateUpdate.class),
  KEY_ROLLOVER(io.consortium.operator.mesh.protocol.messages.KeyRollover.class),
  KEY_ROLLOVER_ACK(io.consortium.operator.mesh.protocol.messages.KeyRolloverAck.class),
  ERROR(ErrorMessage.class);

  private final Class<? extends Record> bodyType;

  MessageType(Class<? extends Record> bodyType) {
    this.bodyType = bodyType;
  }

  public Class<? extends Record> bodyType() {
    return bodyType;
  }

  /** The type of a body record, for building an envelope from a body alone. */
  public static MessageType of(Record body) {
    for (MessageType type : values()) {
      if (type.bodyType == body.getClass()) {
        return type;
      }
    }
    throw new IllegalArgumentException(body.getClass().getSimpleName() + " is not the body of any message type");
  }

  /** The type named on the wire, or empty for a name this version does not know. */
  public static Optional<MessageType> named(String name) {
    for (MessageType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
