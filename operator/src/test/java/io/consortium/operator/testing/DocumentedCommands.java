package io.consortium.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell commands of a Markdown document, as a reader would type them: the lines of {@code sh}
 * blocks (continuation lines joined, here-documents included) and the {@code $ } lines of transcripts,
 * each with the heading it stands under and whether the transcript shows it failing.
 */
public final class DocumentedCommands {

  /** One command, its document and heading, and whether the document shows an error after it. */
  public record Command(String document, String section, String text, boolean fails) {

    public boolean isKubectl() {
      return text.startsWith("kubectl ") || text.contains("| kubectl ");
    }
  }

  private DocumentedCommands() {}

  /** The project's root directory (the surefire configuration says where). */
  public static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  public static List<Command> of(String document) {
    Path file = projectRoot().resolve(document);
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Command> commands = new ArrayList<>();
    String section = "";
    String language = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        language = language == null ? line.substring(3).strip() : null;
        continue;
      }
      if (language == null) {
        if (line.startsWith("#")) {
          section = line.replaceFirst("^#+\\s*", "");
        }
        continue;
      }
      boolean prompt = line.startsWith("$ ");
      if (!prompt && !language.equals("sh")) {
        continue;
      }
      String text = prompt ? line.substring(2) : line;
      if (text.isBlank() || text.stripLeading().startsWith("#")) {
        continue;
      }
      StringBuilder command = new StringBuilder(text);
      while (command.toString().endsWith("\\") && i + 1 < lines.size()) {
        command.setLength(command.length() - 1);
        command.append(' ').append(lines.get(++i).strip());
      }
      if (command.indexOf("<<'EOF'") >= 0) {
        while (i + 1 < lines.size() && !lines.get(i + 1).equals("EOF")) {
          command.append('\n').append(lines.get(++i));
        }
        command.append('\n').append(lines.get(++i));
      }
      boolean fails = prompt && i + 1 < lines.size() && lines.get(i + 1).startsWith("Error from server");
      commands.add(new Command(document, section, withoutComment(command.toString()), fails));
    }
    return commands;
  }

  /** A trailing {@code # comment} of a one-line command (a '#' inside quotes is kept). */
  private static String withoutComment(String command) {
    if (command.contains("\n")) {
      return command;
    }
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#' && !single && !dbl && i > 0 && Character.isWhitespace(command.charAt(i - 1))) {
        return command.substring(0, i).strip();
      }
    }
    return command.strip();
  }

  /** The YAML block of {@code document} that contains {@code marker}, for a command that applies a file shown there. */
  public static String yamlBlock(String document, String marker) {
    try {
      String text = Files.readString(projectRoot().resolve(document));
      int at = text.indexOf(marker);
      int start = text.lastIndexOf("```yaml\n", at) + "```yaml\n".length();
      int end = text.indexOf("```", at);
      return text.substring(start, end);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
