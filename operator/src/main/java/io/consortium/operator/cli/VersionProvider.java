package io.consortium.operator.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version the build wrote into the jar's manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"consortium-operator " + (v == null ? "(development build)" : v)};
  }
}
