package io.consortium.operator.cli;

import io.consortium.operator.api.ByteSize;
import picocli.CommandLine.ITypeConverter;

/** Reads sizes such as {@code 64Mi}, {@code 1MiB}, {@code 512k} or {@code 1048576}. */
final class ByteSizeConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    return ByteSize.parse(value);
  }
}
