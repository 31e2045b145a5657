package io.consortium.operator.fabric.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.fabric.policy.SignaturePolicyDsl;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.CollectionConfigPackage;
import org.hyperledger.fabric.protos.peer.lifecycle.ApproveChaincodeDefinitionForMyOrgArgs;
import org.hyperledger.fabric.protos.peer.lifecycle.CommitChaincodeDefinitionArgs;
import org.junit.jupiter.api.Test;

class ChaincodeDefinitionTest {

  private static final String COLLECTIONS_JSON = """
      [
        {"name": "assetPrivate", "policy": "OR('Org1MSP.member', 'Org2MSP.member')",
         "requiredPeerCount": 1, "maxPeerCount": 3, "blockToLive": 1000000,
         "memberOnlyRead": true, "memberOnlyWrite": true,
         "endorsementPolicy": {"signaturePolicy": "OR('Org1MSP.peer')"}},
        {"name": "org1Only", "policy": "OR('Org1MSP.member')"}
      ]
      """;

  private static ChaincodeDefinition basic() {
    return ChaincodeDefinition.of("basic", "1.0", 1, EndorsementPolicy.parse("AND('Org1MSP.peer', 'Org2MSP.peer')"));
  }

  @Test
  void twoOrgsSpellingTheSamePolicyDifferentlyGetTheSameDigest() {
    ChaincodeDefinition org1 = basic();
    ChaincodeDefinition org2 = new ChaincodeDefinition("basic", "1.0", 1, "escc", "vscc",
        EndorsementPolicy.parse("  and( \"Org1MSP.peer\" ,'Org2MSP.peer')"), List.of(), false);

    assertThat(org2).isEqualTo(org1);
    assertThat(org2.digest()).isEqualTo(org1.digest());
    assertThat(org1.digest().hex()).matches("[0-9a-f]{64}");
  }

  @Test
  void everyFieldACommitComparesChangesTheDigest() {
    ChaincodeDefinition base = basic().withCollections(CollectionDefinition.fromJson(COLLECTIONS_JSON.getBytes(StandardCharsets.UTF_8)));
    List<ChaincodeDefinition> changed = List.of(
        new ChaincodeDefinition("basic2", "1.0", 1, null, null, base.endorsementPolicy(), base.collections(), false),
        new ChaincodeDefinition("basic", "1.1", 1, null, null, base.endorsementPolicy(), base.collections(), false),
        new ChaincodeDefinition("basic", "1.0", 2, null, null, base.endorsementPolicy(), base.collections(), false),
        new ChaincodeDefinition("basic", "1.0", 1, "myescc", null, base.endorsementPolicy(), base.collections(), false),
        new ChaincodeDefinition("basic", "1.0", 1, null, "myvscc", base.endorsementPolicy(), base.collections(), false),
        new ChaincodeDefinition("basic", "1.0", 1, null, null, EndorsementPolicy.parse("OR('Org1MSP.peer', 'Org2MSP.peer')"), base.collections(), false),
        new ChaincodeDefinition("basic", "1.0", 1, null, null, EndorsementPolicy.parse("AND('Org2MSP.peer', 'Org1MSP.peer')"), base.collections(), false),
        new ChaincodeDefinition("basic", "1.0", 1, null, null, EndorsementPolicy.channelDefault(), base.collections(), false),
        base.withCollections(List.of()),
        base.withCollections(List.of(base.collections().get(1), base.collections().get(0))),
        base.withCollections(List.of(base.collections().get(0), withBlockToLive(base.collections().get(1), 5))),
        base.withInitRequired(true));

    for (ChaincodeDefinition other : changed) {
      assertThat(other.digest()).as(other.toString()).isNotEqualTo(base.digest());
    }
    assertThat(changed.stream().map(ChaincodeDefinition::digest).distinct()).hasSize(changed.size());
  }

  @Test
  void theDigestIsSha256OverTheDocumentedCanonicalEncoding() throws Exception {
    ChaincodeDefinition definition = basic().withInitRequired(true);
    byte[] policy = ApplicationPolicy.newBuilder()
        .setSignaturePolicy(SignaturePolicyDsl.parse("AND('Org1MSP.peer', 'Org2MSP.peer')")).build().toByteArray();

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(expected);
    out.write("fabric-chaincode-definition/v1".getBytes(StandardCharsets.US_ASCII));
    for (byte[] field : List.of(utf8("basic"), utf8("1.0"), new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, utf8("escc"), utf8("vscc"),
        policy, new byte[] {1}, new byte[0])) {
      out.writeInt(field.length);
      out.write(field);
    }

    assertThat(definition.digest().hex())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected.toByteArray())));
  }

  @Test
  void theValidationParameterIsTheProtobufWireFormatFabricWrites() {
    // Hand-derived from Fabric's protos: ApplicationPolicy{1: SignaturePolicyEnvelope{2: rule
    // NOutOf{n 2, rules [SignedBy 0, SignedBy 1]}, 3: identities [MSPPrincipal{ROLE (0, omitted),
    // principal MSPRole{"Org1MSP", PEER (3)}}, ... "Org2MSP" ...]}}; a oneof SignedBy(0) is written.
    String expected = "0a2c" + "120c" + "120a" + "0802" + "12020800" + "12020801"
        + "1a0d" + "120b" + "0a074f7267314d5350" + "1003"
        + "1a0d" + "120b" + "0a074f7267324d5350" + "1003";

    assertThat(HexFormat.of().formatHex(basic().validationParameter())).isEqualTo(expected);
  }

  @Test
  void approveArgsCarryFabricsDefaultsAndTheMarshalledApplicationPolicy() throws Exception {
    ChaincodeDefinition definition = basic();
    PackageId packageId = PackageId.parse("basic_1.0:" + "ab".repeat(32));

    ApproveChaincodeDefinitionForMyOrgArgs args = definition.toApproveArgs(packageId);

    assertThat(args.getName()).isEqualTo("basic");
    assertThat(args.getVersion()).isEqualTo("1.0");
    assertThat(args.getSequence()).isEqualTo(1);
    assertThat(args.getEndorsementPlugin()).isEqualTo("escc");
    assertThat(args.getValidationPlugin()).isEqualTo("vscc");
    assertThat(ApplicationPolicy.parseFrom(args.getValidationParameter()).getSignaturePolicy())
        .isEqualTo(SignaturePolicyDsl.parse("AND('Org1MSP.peer', 'Org2MSP.peer')"));
    assertThat(args.getSource().getLocalPackage().getPackageId()).isEqualTo(packageId.toString());
    assertThat(args.hasCollections()).isFalse();
    assertThat(definition.toApproveArgs(null).getSource().hasUnavailable()).isTrue();
  }

  @Test
  void aDefinitionWithoutPolicyUsesTheChannelEndorsementPolicyReference() throws Exception {
    ChaincodeDefinition definition = ChaincodeDefinition.of("basic", "1.0", 1, null);

    ApplicationPolicy policy = ApplicationPolicy.parseFrom(definition.toCommitArgs().getValidationParameter());

    assertThat(policy.getChannelConfigPolicyReference()).isEqualTo("/Channel/Application/Endorsement");
  }

  @Test
  void approveAndCommitArgsRoundTripThroughTheirBytes() throws Exception {
    ChaincodeDefinition definition = new ChaincodeDefinition("basic", "1.0", 3, null, null,
        EndorsementPolicy.parse("OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')"),
        CollectionDefinition.fromJson(COLLECTIONS_JSON.getBytes(StandardCharsets.UTF_8)), true);

    ApproveChaincodeDefinitionForMyOrgArgs approve =
        ApproveChaincodeDefinitionForMyOrgArgs.parseFrom(definition.toApproveArgs(null).toByteArray());
    CommitChaincodeDefinitionArgs commit = CommitChaincodeDefinitionArgs.parseFrom(definition.toCommitArgs().toByteArray());

    assertThat(ChaincodeDefinition.of(approve)).isEqualTo(definition);
    assertThat(ChaincodeDefinition.of(commit)).isEqualTo(definition);
    assertThat(ChaincodeDefinition.of(commit).digest()).isEqualTo(definition.digest());
    assertThat(commit.getCollections()).isEqualTo(CollectionConfigPackage.parseFrom(definition.collectionsPackage().toByteArray()));
    assertThat(approve.getValidationParameter()).isEqualTo(commit.getValidationParameter());
  }

  @Test
  void theLifecycleInvocationCarriesTheFunctionNameAndTheMarshalledArgs() throws Exception {
    CommitChaincodeDefinitionArgs args = basic().toCommitArgs();

    ChaincodeInvocationSpec spec = ChaincodeDefinition.lifecycleInvocation(ChaincodeDefinition.COMMIT_FUNCTION, args);

    assertThat(spec.getChaincodeSpec().getChaincodeId().getName()).isEqualTo("_lifecycle");
    assertThat(spec.getChaincodeSpec().getInput().getArgs(0).toStringUtf8()).isEqualTo("CommitChaincodeDefinition");
    assertThat(CommitChaincodeDefinitionArgs.parseFrom(spec.getChaincodeSpec().getInput().getArgs(1))).isEqualTo(args);
  }

  @Test
  void collectionsAreReadFromFabricsCollectionsConfigFormatWithItsDefaults() {
    List<CollectionDefinition> collections = CollectionDefinition.fromJson(COLLECTIONS_JSON.getBytes(StandardCharsets.UTF_8));

    assertThat(collections).hasSize(2);
    CollectionDefinition first = collections.get(0);
    assertThat(first.name()).isEqualTo("assetPrivate");
    assertThat(first.requiredPeerCount()).isEqualTo(1);
    assertThat(first.maxPeerCount()).isEqualTo(3);
    assertThat(first.blockToLive()).isEqualTo(1_000_000);
    assertThat(first.memberOnlyRead()).isTrue();
    assertThat(first.memberOnlyWrite()).isTrue();
    assertThat(first.endorsementPolicy().text()).isEqualTo("OutOf(1, 'Org1MSP.peer')");
    assertThat(first.toProto().getStaticCollectionConfig().getMemberOrgsPolicy().getSignaturePolicy())
        .isEqualTo(SignaturePolicyDsl.parse("OR('Org1MSP.member', 'Org2MSP.member')"));
    CollectionDefinition second = collections.get(1);
    assertThat(second.requiredPeerCount()).isZero();
    assertThat(second.maxPeerCount()).isEqualTo(1);
    assertThat(second.endorsementPolicy()).isNull();
    assertThat(second.toProto().getStaticCollectionConfig().hasEndorsementPolicy()).isFalse();
  }

  @Test
  void badDefinitionsAndCollectionsAreRefusedByName() {
    EndorsementPolicy p = EndorsementPolicy.channelDefault();
    assertThatThrownBy(() -> ChaincodeDefinition.of("my cc", "1", 1, p)).hasMessageContaining("invalid chaincode name 'my cc'");
    assertThatThrownBy(() -> ChaincodeDefinition.of("lscc", "1", 1, p)).hasMessageContaining("name of a system chaincode");
    assertThatThrownBy(() -> ChaincodeDefinition.of("cc", "1 0", 1, p)).hasMessageContaining("invalid chaincode version '1 0'");
    assertThatThrownBy(() -> ChaincodeDefinition.of("cc", "1", 0, p)).hasMessageContaining("sequence must be 1 or more");
    assertThatThrownBy(() -> EndorsementPolicy.parse("/Channel//Endorsement")).hasMessageContaining("must be an absolute policy path");
    assertThatThrownBy(() -> EndorsementPolicy.parse("AND('Org1MSP.peer'")).hasMessageContaining("expected ',' or ')'");
    assertThatThrownBy(() -> CollectionDefinition.fromJson(utf8("{}"))).hasMessageContaining("must be a JSON array");
    assertThatThrownBy(() -> CollectionDefinition.fromJson(utf8("[{\"name\":\"c\",\"policy\":\"OR(x)\"}]")))
        .hasMessageContaining("collection 'c': invalid policy: unrecognized token 'x'");
    assertThatThrownBy(() -> CollectionDefinition.fromJson(utf8("[{\"name\":\"c\"}]"))).hasMessageContaining("collection 'c' has no 'policy'");
    assertThatThrownBy(() -> CollectionDefinition.fromJson(utf8(
        "[{\"name\":\"c\",\"policy\":\"OR('A.member')\",\"endorsementPolicy\":{\"signaturePolicy\":\"OR('A.peer')\",\"channelConfigPolicy\":\"/Channel/Application/Endorsement\"}}]")))
        .hasMessageContaining("both signaturePolicy and channelConfigPolicy");
    assertThatThrownBy(() -> CollectionDefinition.fromJson(utf8(
        "[{\"name\":\"c\",\"policy\":\"OR('A.member')\"},{\"name\":\"c\",\"policy\":\"OR('A.member')\"}]")))
        .hasMessageContaining("collection 'c' is defined twice");
    assertThatThrownBy(() -> CollectionDefinition.fromJson(utf8("[{\"name\":\"_c\",\"policy\":\"OR('A.member')\"}]")))
        .hasMessageContaining("invalid collection name '_c'");
    assertThatThrownBy(() -> CollectionDefinition.fromJson(utf8("[{\"name\":\"c\",\"policy\":\"OR('A.member')\",\"requiredPeerCount\":2}]")))
        .hasMessageContaining("maxPeerCount 1 is less than requiredPeerCount 2");
  }

  private static CollectionDefinition withBlockToLive(CollectionDefinition c, long blockToLive) {
    return new CollectionDefinition(c.name(), c.memberOrgsPolicy(), c.requiredPeerCount(), c.maxPeerCount(), blockToLive,
        c.memberOnlyRead(), c.memberOnlyWrite(), c.endorsementPolicy());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
