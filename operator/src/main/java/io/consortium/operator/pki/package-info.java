/**
 * Keys, certificates and digests for the whole operator: the one place that reads and writes PEM,
 * tells what a key or certificate is ({@link io.consortium.operator.pki.PublicKeyFacts},
 * {@link io.consortium.operator.pki.CertificateFacts}), recognises private key material in bytes
 * ({@link io.consortium.operator.pki.PrivateKeyPatterns}), makes self-signed certificates and hashes
 * bytes with SHA-256 ({@link io.consortium.operator.pki.Sha256}).
 *
 * <h2>Layering</h2>
 * This is the bottom layer: it imports nothing of this project, only the JDK and BouncyCastle, so
 * that every other package may use it. The domain packages ({@code fabric}, {@code besu}) import
 * nothing internal except this one; {@code identity}, {@code mesh}, {@code pairing} and
 * {@code share} use it instead of parsing PEM or hashing bytes themselves.
 */
package io.consortium.operator.pki;
