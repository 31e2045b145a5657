package io.consortium.operator.runtime;

import java.io.PrintStream;

/** The running operator: API client, identity, controllers, probes. */
public final class OperatorRuntime implements AutoCloseable {
  public static OperatorRuntime start(OperatorSettings settings, PrintStream out) {
    throw new UnsupportedOperationException("the operator runtime is being built in this commit series");
  }

  @Override
  public void close() {}
}
