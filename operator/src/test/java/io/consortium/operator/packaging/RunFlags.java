package io.consortium.operator.packaging;

import io.consortium.operator.cli.RunCommand;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The flags of {@code consortium-operator run}, read from RunCommand's picocli annotations. */
final class RunFlags {

  /** One flag: its name, its environment twin and the default the operator uses without it (null if none). */
  record Flag(String name, String env, String defaultValue) {}

  private static final Pattern ENV_DEFAULT = Pattern.compile("^\\$\\{env:([A-Z][A-Z0-9_]*)(?::-(.*))?}$");

  private RunFlags() {}

  static List<Flag> all() {
    List<Flag> flags = new ArrayList<>();
    for (Field field : RunCommand.class.getDeclaredFields()) {
      Option option = field.getAnnotation(Option.class);
      if (option == null) {
        continue;
      }
      String name = option.names()[0];
      Matcher m = ENV_DEFAULT.matcher(option.defaultValue());
      if (!m.matches()) {
        throw new IllegalStateException("flag " + name + " of RunCommand has no environment twin: its defaultValue is '"
            + option.defaultValue() + "', expected ${env:NAME} or ${env:NAME:-default}");
      }
      flags.add(new Flag(name, m.group(1), m.group(2)));
    }
    if (flags.isEmpty()) {
      throw new IllegalStateException("no @Option fields found on RunCommand");
    }
    return flags;
  }
}
