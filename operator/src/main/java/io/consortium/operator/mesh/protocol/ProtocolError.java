package io.consortium.operator.mesh.protocol;

/**
 * Why a frame, a message or a transfer was refused. The names are the condition reasons a
 * PeerPairing shows and the {@code error} an ERROR message carries, so keep them stable.
 */
public enum ProtocolError {
  /** Not a compact JWS, not JSON, a field missing or of the wrong kind, a bad chunk header. */
  MalformedFrame,
  /** A frame bigger than {@code --frame-limit}, refused before it is parsed. */
  FrameTooLarge,
  /** The signature does not verify with the sender's pinned key. */
  BadSignature,
  /** A frame, signed by the pinned peer, that claims another sender in {@code from}. */
  WrongSender,
  /** A frame addressed to another instance. */
  WrongRecipient,
  /** A protocol version ({@code v}) this instance does not speak. */
  UnsupportedVersion,
  /** A message type this instance does not know. */
  UnknownMessageType,
  /** An (epoch, seq) not newer than one already accepted on the link. */
  Replayed,
  /** A payload over {@code --max-share-size}, refused before any of it is sent or stored. */
  PayloadTooLarge,
  /** A chunk that skips ahead of the next expected one: chunks were lost. */
  ChunkGap,
  /** A chunk for a transfer that is not under way. */
  UnknownTransfer,
  /** The reassembled payload's SHA-256 or size differs from its signed manifest. */
  ChecksumMismatch,
  /**
   * A TRANSFER_BEGIN beyond what one link may spool at once ({@code --max-transfers-per-link},
   * {@code --max-spooled-per-link}); the link is closed.
   */
  TransferLimit,
  /** A key rollover not signed by both the pinned key and the announced new one; the pin stays. */
  InvalidRollover,
  /** A certificate update whose certificate does not hold the pinned key. */
  InvalidCertificate
}
