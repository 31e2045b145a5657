package io.consortium.operator.cli;

import io.consortium.operator.controller.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads durations as Kubernetes users write them: {@code 720h}, {@code 90m}, {@code 1h30m}. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return GoDuration.parse(value);
  }
}
