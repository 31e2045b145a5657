package io.consortium.operator.cli;

import io.consortium.operator.fabric.config.ConfigJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hyperledger.fabric.protos.common.ConfigGroup;

/** Org definitions on disk: a ConfigGroup as JSON (like configtxgen -printOrg) or protobuf. */
final class OrgGroupFiles {

  private OrgGroupFiles() {}

  static void write(Path file, ConfigGroup group, boolean ordererOrg) throws IOException {
    if (file.getFileName().toString().endsWith(".json")) {
      Files.writeString(file, ConfigJson.orgGroupToJson(group, ordererOrg) + "\n", StandardCharsets.UTF_8);
    } else {
      Files.write(file, group.toByteArray());
    }
  }

  static ConfigGroup read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    try {
      if (text.startsWith("{")) {
        return ConfigJson.orgGroupFromJson(text);
      }
      ConfigGroup group = ConfigGroup.parseFrom(bytes);
      if (!group.getValuesMap().containsKey("MSP") || !group.getUnknownFields().asMap().isEmpty()) {
        throw new IllegalArgumentException("it is not an org config group with an MSP value");
      }
      return group;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + ": not an org definition (JSON or protobuf ConfigGroup)");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
