package io.consortium.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Where an incoming share came from. Written by the operator, never by a person: together with the
 * origin's signature it proves, long after the link is gone, who sent what.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShareOrigin {

  @Required
  @JsonPropertyDescription("The local PeerPairing the share arrived on.")
  public String pairing;

  @Required
  @JsonPropertyDescription("metadata.uid of the outgoing share on the origin's cluster.")
  public String shareUid;

  @Required
  @Min(1)
  @JsonPropertyDescription("Revision of the origin's share (its metadata.generation) this resource holds.")
  public Long revision;

  @JsonPropertyDescription("Name of the outgoing share on the origin's cluster.")
  public String shareName;

  @JsonPropertyDescription("Instance ID of the origin: hex SHA-256 of its public key.")
  public String instanceId;

  @JsonPropertyDescription("SHA-256 (hex) of the signed envelope that carried this revision.")
  public String envelopeSha256;

  @JsonPropertyDescription("The origin's ES256 signature (base64url) over that envelope, checkable with its pinned key.")
  public String signature;

  @JsonPropertyDescription("When the origin sent this revision (RFC 3339).")
  public String sentAt;

  @JsonPropertyDescription("SHA-256 (hex) of the payload as received and verified; the operator restores the payload"
      + " from the origin if the resource's copy ever differs from it.")
  public String payloadSha256;
}
