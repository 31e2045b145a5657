package io.consortium.operator.cli;

import com.google.protobuf.Message;
import io.consortium.operator.fabric.config.ConfigDocument;
import io.consortium.operator.fabric.config.ConfigJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the fabric config commands read and write files: protobuf, or JSON when the name ends in .json. */
final class FabricConfigFiles {

  private FabricConfigFiles() {}

  static ConfigDocument read(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString());
    }
    return ConfigDocument.read(file);
  }

  static void write(Path file, Message message) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("directory " + parent + " does not exist");
    }
    if (file.getFileName().toString().endsWith(".json")) {
      Files.writeString(file, ConfigJson.toJson(message) + "\n", StandardCharsets.UTF_8);
    } else {
      Files.write(file, message.toByteArray());
    }
  }
}
