package io.consortium.operator.fabric.chaincode;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.CollectionConfig;
import org.hyperledger.fabric.protos.peer.CollectionConfigPackage;
import org.hyperledger.fabric.protos.peer.lifecycle.ApproveChaincodeDefinitionForMyOrgArgs;
import org.hyperledger.fabric.protos.peer.lifecycle.ChaincodeSource;
import org.hyperledger.fabric.protos.peer.lifecycle.CommitChaincodeDefinitionArgs;

/**
 * The chaincode definition every org of a channel must approve identically before it can be
 * committed (else the commit fails with "not agreed to by this org"): name, version, sequence,
 * endorsement and validation plugins, endorsement policy, collections and init-required. Shared
 * between orgs as this record (or its {@link #digest()}), never re-typed by each org.
 *
 * <p>The plugins default to {@code escc}/{@code vscc} and the policy to the channel's
 * {@code /Channel/Application/Endorsement}, the values Fabric's peer fills in for a definition that
 * names none; writing them out keeps every org's arguments, and digest, the same.
 */
public record ChaincodeDefinition(
    String name,
    String version,
    long sequence,
    String endorsementPlugin,
    String validationPlugin,
    EndorsementPolicy endorsementPolicy,
    List<CollectionDefinition> collections,
    boolean initRequired) {

  public static final String DEFAULT_ENDORSEMENT_PLUGIN = "escc";
  public static final String DEFAULT_VALIDATION_PLUGIN = "vscc";
  /** The system chaincode approve and commit are sent to, and its two functions. */
  public static final String LIFECYCLE_NAMESPACE = "_lifecycle";
  public static final String APPROVE_FUNCTION = "ApproveChaincodeDefinitionForMyOrg";
  public static final String COMMIT_FUNCTION = "CommitChaincodeDefinition";

  /** Fabric's ChaincodeNameRegExp and ChaincodeVersionRegExp (core/chaincode/lifecycle). */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_.+-]+");
  private static final Set<String> SYSTEM_CHAINCODES = Set.of("cscc", "escc", "lscc", "qscc", "vscc", "_lifecycle");

  public ChaincodeDefinition {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid chaincode name '" + name
          + "': alphanumerics separated by single '-' or '_' (Fabric's rule)");
    }
    if (SYSTEM_CHAINCODES.contains(name)) {
      throw new IllegalArgumentException("chaincode name '" + name + "' is the name of a system chaincode");
    }
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("invalid chaincode version '" + version + "': alphanumerics and '_.+-' only");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be 1 or more, got " + sequence);
    }
    endorsementPlugin = endorsementPlugin == null || endorsementPlugin.isEmpty() ? DEFAULT_ENDORSEMENT_PLUGIN : endorsementPlugin;
    validationPlugin = validationPlugin == null || validationPlugin.isEmpty() ? DEFAULT_VALIDATION_PLUGIN : validationPlugin;
    endorsementPolicy = endorsementPolicy == null ? EndorsementPolicy.channelDefault() : endorsementPolicy;
    collections = collections == null ? List.of() : List.copyOf(collections);
    Set<String> names = new HashSet<>();
    for (CollectionDefinition c : collections) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("collection '" + c.name() + "' is defined twice");
      }
    }
  }

  /** A definition with the defaults Fabric's peer would fill in. */
  public static ChaincodeDefinition of(String name, String version, long sequence, EndorsementPolicy policy) {
    return new ChaincodeDefinition(name, version, sequence, null, null, policy, List.of(), false);
  }

  public ChaincodeDefinition withCollections(List<CollectionDefinition> newCollections) {
    return new ChaincodeDefinition(name, version, sequence, endorsementPlugin, validationPlugin, endorsementPolicy, newCollections, initRequired);
  }

  public ChaincodeDefinition withInitRequired(boolean required) {
    return new ChaincodeDefinition(name, version, sequence, endorsementPlugin, validationPlugin, endorsementPolicy, collections, required);
  }

  /** What Fabric stores as validation_parameter: the marshalled ApplicationPolicy. */
  public byte[] validationParameter() {
    return endorsementPolicy.toApplicationPolicy().toByteArray();
  }

  public CollectionConfigPackage collectionsPackage() {
    CollectionConfigPackage.Builder pkg = CollectionConfigPackage.newBuilder();
    collections.forEach(c -> pkg.addConfig(c.toProto()));
    return pkg.build();
  }

  public DefinitionDigest digest() {
    return DefinitionDigest.of(this);
  }

  /**
   * The argument of {@code _lifecycle.ApproveChaincodeDefinitionForMyOrg}, as the peer CLI builds
   * it: the package to run when one is installed, else "unavailable".
   *
   * @param packageId the installed package this org runs, or null to approve without one
   */
  public ApproveChaincodeDefinitionForMyOrgArgs toApproveArgs(PackageId packageId) {
    ChaincodeSource source = packageId == null
        ? ChaincodeSource.newBuilder().setUnavailable(ChaincodeSource.Unavailable.getDefaultInstance()).build()
        : ChaincodeSource.newBuilder().setLocalPackage(ChaincodeSource.Local.newBuilder().setPackageId(packageId.toString())).build();
    ApproveChaincodeDefinitionForMyOrgArgs.Builder args = ApproveChaincodeDefinitionForMyOrgArgs.newBuilder()
        .setName(name)
        .setVersion(version)
        .setSequence(sequence)
        .setEndorsementPlugin(endorsementPlugin)
        .setValidationPlugin(validationPlugin)
        .setValidationParameter(ByteString.copyFrom(validationParameter()))
        .setInitRequired(initRequired)
        .setSource(source);
    if (!collections.isEmpty()) {
      args.setCollections(collectionsPackage());
    }
    return args.build();
  }

  /** The argument of {@code _lifecycle.CommitChaincodeDefinition}. */
  public CommitChaincodeDefinitionArgs toCommitArgs() {
    CommitChaincodeDefinitionArgs.Builder args = CommitChaincodeDefinitionArgs.newBuilder()
        .setName(name)
        .setVersion(version)
        .setSequence(sequence)
        .setEndorsementPlugin(endorsementPlugin)
        .setValidationPlugin(validationPlugin)
        .setValidationParameter(ByteString.copyFrom(validationParameter()))
        .setInitRequired(initRequired);
    if (!collections.isEmpty()) {
      args.setCollections(collectionsPackage());
    }
    return args.build();
  }

  /** The invocation a proposal carries: {@code _lifecycle} with args [function, marshalled args]. */
  public static ChaincodeInvocationSpec lifecycleInvocation(String function, com.google.protobuf.Message args) {
    return ChaincodeInvocationSpec.newBuilder()
        .setChaincodeSpec(ChaincodeSpec.newBuilder()
            .setChaincodeId(ChaincodeID.newBuilder().setName(LIFECYCLE_NAMESPACE))
            .setInput(ChaincodeInput.newBuilder()
                .addArgs(ByteString.copyFromUtf8(function))
                .addArgs(args.toByteString())))
        .build();
  }

  /** Reads back the definition an approve carried, e.g. one received from another org. */
  public static ChaincodeDefinition of(ApproveChaincodeDefinitionForMyOrgArgs args) {
    return fromFields(args.getName(), args.getVersion(), args.getSequence(), args.getEndorsementPlugin(),
        args.getValidationPlugin(), args.getValidationParameter(), args.getCollections().getConfigList(), args.getInitRequired());
  }

  /** Reads back the definition a commit carried. */
  public static ChaincodeDefinition of(CommitChaincodeDefinitionArgs args) {
    return fromFields(args.getName(), args.getVersion(), args.getSequence(), args.getEndorsementPlugin(),
        args.getValidationPlugin(), args.getValidationParameter(), args.getCollections().getConfigList(), args.getInitRequired());
  }

  private static ChaincodeDefinition fromFields(String name, String version, long sequence, String endorsementPlugin,
      String validationPlugin, ByteString validationParameter, List<CollectionConfig> collections, boolean initRequired) {
    EndorsementPolicy policy = null;
    if (!validationParameter.isEmpty()) {
      try {
        policy = EndorsementPolicy.of(ApplicationPolicy.parseFrom(validationParameter));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("validation parameter is not an ApplicationPolicy: " + e.getMessage());
      }
    }
    return new ChaincodeDefinition(name, version, sequence, endorsementPlugin, validationPlugin, policy,
        collections.stream().map(CollectionDefinition::of).toList(), initRequired);
  }
}
