package io.consortium.operator.fabric.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The real Fabric blocks under ../shared/vectors; tests skip when that directory is absent. */
final class FabricVectors {
  private FabricVectors() {}

  static Path blocks() {
    Path dir = Path.of(System.getProperty("project.root", ".."), "..", "shared", "vectors", "fabric", "blocks");
    Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/vectors not found: " + dir.toAbsolutePath());
    return dir;
  }

  static byte[] etcdraftGenesis() throws IOException {
    return Files.readAllBytes(blocks().resolve("etcdraft-testchannel-genesis.block"));
  }

  static byte[] smartbftBlock() throws IOException {
    return Files.readAllBytes(blocks().resolve("smartbft-mychannel.block"));
  }
}
