package io.consortium.operator.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a person or GitOps can get wrong in our own resources, one bad field each: the resource as
 * written, the field path that must be named, and a part of what must be said about it. The same table
 * is applied to an operator (InvalidSpecScenarioTest: Ready=False InvalidSpec, one Event, no loop) and
 * to the generated CRDs (InvalidInputsCrdTest: a real API server's schema and CEL rules refuse each).
 */
public final class InvalidInputs {

  /** One bad resource: {@code spec} is YAML flow text; {@code name} is unique within the table. */
  public record Case(String kind, String name, String spec, String path, String says) {

    public String yaml() {
      return "apiVersion: consortium.io/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\nspec: " + spec
          + "\n";
    }

    @Override
    public String toString() {
      return kind + " " + spec + " -> " + path;
    }
  }

  private static final String FROM = "{pairing: org2, shareUid: 6f1c2a7e-0b1d-4c55-9a43-2f1d1f0e9b11, revision: 1}";
  private static final String CHAINCODE = "definition: {name: basic, version: '1', sequence: 1}";

  private InvalidInputs() {}

  public static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    // KeyShare: an outgoing share as a person writes it, and the decision on an incoming one
    cases.add(new Case("KeyShare", "ks-no-to", "{generate: {}}", "spec", "set exactly one of spec.to"));
    cases.add(new Case("KeyShare", "ks-no-source", "{to: [org2]}", "spec", "exactly one of spec.source"));
    cases.add(new Case("KeyShare", "ks-curve", "{to: [org2], generate: {curve: P-999}}", "spec.generate.curve",
        "Unsupported value: \"P-999\": supported values: \"P-256\", \"P-384\""));
    cases.add(new Case("KeyShare", "ks-usage", "{to: [org2], generate: {}, usage: Boss}", "spec.usage",
        "Unsupported value: \"Boss\""));
    cases.add(new Case("KeyShare", "ks-expires", "{to: [org2], generate: {}, expiresAt: yesterday}", "spec.expiresAt",
        "Invalid value: \"yesterday\""));
    cases.add(new Case("KeyShare", "ks-to-empty", "{to: [], generate: {}}", "spec.to", "at least 1"));
    cases.add(new Case("KeyShare", "ks-to-twice", "{to: [org2, org2], generate: {}}", "spec",
        "spec.to names each PeerPairing once"));
    cases.add(new Case("KeyShare", "ks-to-name", "{to: [Org_2], generate: {}}", "spec.to[0]",
        "Invalid value: \"Org_2\""));
    cases.add(new Case("KeyShare", "ks-to-string", "{to: org2, generate: {}}", "spec.to",
        "must be of type array"));
    cases.add(new Case("KeyShare", "ks-secret-name", "{to: [org2], generate: {secretName: My_Key}}",
        "spec.generate.secretName", "Invalid value: \"My_Key\""));
    cases.add(new Case("KeyShare", "ks-cn-long", "{to: [org2], generate: {commonName: " + "c".repeat(65) + "}}",
        "spec.generate.commonName", "may not be longer than 64"));
    cases.add(new Case("KeyShare", "ks-source-name", "{to: [org2], source: {}}", "spec.source.name",
        "Required value"));
    cases.add(new Case("KeyShare", "ks-decision", "{from: " + FROM + ", decision: Maybe}", "spec.decision",
        "Unsupported value: \"Maybe\": supported values: \"Accept\", \"Reject\""));
    // PeerPairing
    cases.add(new Case("PeerPairing", "pp-empty", "{}", "spec", "either invites (spec.invite) or redeems"));
    cases.add(new Case("PeerPairing", "pp-flow", "{invite: {flow: Sideways}}", "spec.invite.flow",
        "Unsupported value: \"Sideways\": supported values: \"Bidirectional\", \"InviteeToInviter\", \"InviterToInvitee\""));
    cases.add(new Case("PeerPairing", "pp-max-negative", "{invite: {maxRedemptions: -3}}",
        "spec.invite.maxRedemptions", "Invalid value: -3: must be greater than or equal to 1"));
    cases.add(new Case("PeerPairing", "pp-max-huge", "{invite: {maxRedemptions: 4294967297}}",
        "spec.invite.maxRedemptions", "must be less than or equal to 1000"));
    cases.add(new Case("PeerPairing", "pp-expires-huge", "{invite: {expiresIn: 999999999h}}", "spec.invite.expiresIn",
        "Invalid value: \"999999999h\""));
    cases.add(new Case("PeerPairing", "pp-expires-year", "{invite: {expiresIn: 8761h}}", "spec.invite.expiresIn",
        "between 1s and 8760h"));
    cases.add(new Case("PeerPairing", "pp-expires-zero", "{invite: {expiresIn: 0s}}", "spec.invite.expiresIn",
        "between 1s and 8760h"));
    cases.add(new Case("PeerPairing", "pp-state", "{state: Paused, invite: {}}", "spec.state",
        "Unsupported value: \"Paused\""));
    cases.add(new Case("PeerPairing", "pp-no-secret", "{accept: {}}", "spec.accept.invitationSecretRef",
        "Required value"));
    cases.add(new Case("PeerPairing", "pp-url", "{invite: {externalUrl: 'http://org1.example.com'}}",
        "spec.invite.externalUrl", "Invalid value"));
    cases.add(new Case("PeerPairing", "p" + "p".repeat(63), "{invite: {}}", "<root>",
        "at most 63 characters"));
    // ConsortiumNode
    cases.add(new Case("ConsortiumNode", "cn-type", "{type: Router, mspId: Org1MSP}", "spec.type",
        "Unsupported value: \"Router\""));
    cases.add(new Case("ConsortiumNode", "cn-no-msp", "{type: FabricPeer}", "spec", "needs spec.mspId"));
    cases.add(new Case("ConsortiumNode", "cn-endpoint", "{type: FabricPeer, mspId: Org1MSP, endpoint: peer0}",
        "spec.endpoint", "Invalid value: \"peer0\""));
    // The other share kinds
    cases.add(new Case("NetworkShare", "ns-platform", "{to: [org2], platform: Fabric, besu: {chainId: 1337}}", "spec",
        "a Fabric network is described in spec.fabric"));
    cases.add(new Case("NetworkShare", "ns-chain", "{to: [org2], platform: Besu, besu: {chainId: 0}}",
        "spec.besu.chainId", "must be greater than or equal to 1"));
    cases.add(new Case("ChaincodeShare", "cc-port", "{to: [org2], level: Source, " + CHAINCODE
        + ", ccaas: {image: 'registry.example.com/basic@sha256:" + "a".repeat(64) + "', port: 70000}}",
        "spec.ccaas.port", "must be less than or equal to 65535"));
    cases.add(new Case("ChaincodeShare", "cc-level", "{to: [org2], level: Binary, " + CHAINCODE + "}", "spec.level",
        "Unsupported value: \"Binary\""));
    cases.add(new Case("ConfigProposal", "cp-n", "{to: [org2], platform: Besu, title: t, besu: {action: Add,"
        + " address: '0x" + "1".repeat(40) + "'}, policy: {rule: NOutOf, n: 0}}", "spec.policy.n",
        "must be greater than or equal to 1"));
    cases.add(new Case("ConfigProposal", "cp-title", "{to: [org2], platform: Besu, title: '" + "t".repeat(257)
        + "', besu: {action: Add, address: '0x" + "1".repeat(40) + "'}}", "spec.title", "may not be longer than 256"));
    return cases;
  }
}
