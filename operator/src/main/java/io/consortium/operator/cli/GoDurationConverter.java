package io.consortium.operator.cli;

import io.consortium.operator.controller.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Durations on the command line as Kubernetes users write them: 90s, 5m, 1h30m. */
final class GoDurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return GoDuration.parse(value);
  }
}
