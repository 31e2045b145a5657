package io.consortium.operator.mesh.protocol;

/**
 * An envelope whose signature checked out, with what an incoming share keeps as proof of origin:
 * the compact JWS as received, its SHA-256 and the signature. Anyone holding the origin's public
 * key can check {@code compact} again, long after the link is gone.
 *
 * @param sha256 lowercase hex SHA-256 of the compact form's bytes
 * @param signature the JWS signature, base64url (ES256: R || S, 64 bytes)
 */
public record SignedEnvelope(Envelope envelope, String compact, String sha256, String signature) {}
