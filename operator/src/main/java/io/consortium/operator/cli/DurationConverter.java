package io.consortium.operator.cli;

import io.consortium.operator.api.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads durations as Kubernetes users write them: {@code 10m}, {@code 90s}, {@code 1h30m}. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return GoDuration.parse(value);
  }
}
