package io.consortium.operator.fabric.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.MSPConfig;

/** The MSPs a channel config defines (application, orderer and consortium orgs), by MSP ID. */
public final class ChannelMsps {

  private ChannelMsps() {}

  public static Map<String, ChannelMsp> of(Config config) {
    Map<String, ChannelMsp> out = new LinkedHashMap<>();
    ConfigGroup channel = config.getChannelGroup();
    for (String section : new String[] {"Application", "Orderer"}) {
      ConfigGroup group = channel.getGroupsMap().get(section);
      if (group != null) {
        group.getGroupsMap().values().forEach(org -> add(out, org));
      }
    }
    ConfigGroup consortiums = channel.getGroupsMap().get("Consortiums");
    if (consortiums != null) {
      consortiums.getGroupsMap().values().forEach(c -> c.getGroupsMap().values().forEach(org -> add(out, org)));
    }
    return out;
  }

  /** The FabricMSPConfig of an org group, or null if the group has no Fabric MSP value. */
  public static FabricMSPConfig mspOf(ConfigGroup org) {
    ConfigValue value = org.getValuesMap().get("MSP");
    if (value == null) {
      return null;
    }
    MSPConfig msp = ConfigDocument.parse(MSPConfig.parser(), value.getValue(), "MSP value");
    if (msp.getType() != 0) {
      return null;
    }
    return ConfigDocument.parse(FabricMSPConfig.parser(), msp.getConfig(), "Fabric MSP config");
  }

  private static void add(Map<String, ChannelMsp> out, ConfigGroup org) {
    FabricMSPConfig msp = mspOf(org);
    if (msp != null) {
      out.putIfAbsent(msp.getName(), new ChannelMsp(msp));
    }
  }
}
