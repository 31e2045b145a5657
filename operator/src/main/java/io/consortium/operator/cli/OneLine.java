package io.consortium.operator.cli;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/** Turns an exception into the one line a person reads on stderr: each cause's message once, outermost first. */
final class OneLine {

  private OneLine() {}

  static String describe(Throwable ex) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = ex; t != null && parts.size() < 5; t = t.getCause() == t ? null : t.getCause()) {
      String message = messageOf(t);
      if (message == null) {
        continue;
      }
      // Wrappers often repeat their cause's message, or its toString(): say each thing once.
      if (parts.stream().noneMatch(p -> p.contains(message))) {
        parts.removeIf(message::contains);
        parts.add(message);
      }
    }
    if (parts.isEmpty()) {
      parts.add(ex.getClass().getSimpleName());
    }
    return String.join(": ", parts).replaceAll("\\s*\\R\\s*", " ").strip();
  }

  private static String messageOf(Throwable t) {
    if (t instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (t instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    if (t instanceof FileNotFoundException e) {
      return "cannot open " + e.getMessage();
    }
    String m = t.getMessage();
    if (m == null || m.isBlank() || (t.getCause() != null && m.equals(t.getCause().toString()))) {
      return null;
    }
    return m.strip();
  }
}
