/**
 * The peer link's protocol, pure: no netty, no Kubernetes. The transport moves bytes to and from
 * these classes and nothing else decides anything about a frame.
 *
 * <h2>Text frames: signed envelopes</h2>
 * Every message is an {@link io.consortium.operator.mesh.protocol.Envelope} sent as a compact JWS
 * (ES256, {@code typ consortium-envelope+jws}) by {@link io.consortium.operator.mesh.protocol.EnvelopeCodec}.
 * On receipt: {@code checkFrameSize} with the frame's byte count, then {@code open} with the peer's
 * pinned key, then {@link io.consortium.operator.mesh.protocol.ReplayWindow#accept} with the
 * envelope's (epoch, seq), then {@link io.consortium.operator.mesh.protocol.Messages#body} for the
 * typed body ({@link io.consortium.operator.mesh.protocol.MessageType} maps each type to its record
 * in {@code messages}). The sender takes (epoch, seq) from a
 * {@link io.consortium.operator.mesh.protocol.SendSequence} built on an epoch it bumped and
 * persisted for the session. A refusal is a {@link io.consortium.operator.mesh.protocol.ProtocolException}
 * whose {@link io.consortium.operator.mesh.protocol.ProtocolError} is the condition reason and, in an
 * ERROR message, what the peer is told.
 *
 * <h2>Binary frames: chunks</h2>
 * A payload larger than one frame goes as a transfer: a signed TRANSFER_BEGIN carrying the
 * {@link io.consortium.operator.mesh.protocol.TransferManifest} (size, chunk size, SHA-256), then
 * binary frames made by {@link io.consortium.operator.mesh.protocol.Chunker} (25-byte
 * {@link io.consortium.operator.mesh.protocol.ChunkFrame} header, raw bytes), reassembled by a
 * {@link io.consortium.operator.mesh.protocol.Reassembler} into a
 * {@link io.consortium.operator.mesh.protocol.ChunkSink}. The SHARE_OFFER names the transfer. After
 * a reconnect the receiver sends TRANSFER_STATUS with its next expected index and the sender opens a
 * new Chunker there. Both sides refuse a payload over {@code --max-share-size} before any chunk.
 * Reassembly hashes and writes: run it on a worker thread, not the I/O event loop.
 *
 * <h2>Timing</h2>
 * Pings are the transport's ({@link io.consortium.operator.mesh.LinkTiming}: every 10 s, offline after 3
 * missed pongs); {@link io.consortium.operator.mesh.protocol.LastSeenWriter} (status.lastSeenAt at most once
 * a minute, always on connect/disconnect) and {@link io.consortium.operator.mesh.protocol.Backoff}
 * (reconnect delays, full jitter) are clock arithmetic over an injected Clock or Random.
 *
 * <h2>Tests of the whole link</h2>
 * {@link io.consortium.operator.mesh.protocol.PrivateKeyScanner} checks frames for known private
 * keys in any usual encoding, for the "no private key crosses the wire" tap.
 */
package io.consortium.operator.mesh.protocol;
