package io.consortium.operator.cli;

import java.io.FileNotFoundException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns an exception into the one line a person reads on stderr. */
final class OneLine {

  private OneLine() {}

  static String describe(Throwable ex) {
    Throwable root = ex;
    // Wrappers add nothing a person needs: use the innermost message that says something.
    while (root.getCause() != null && root.getCause() != root && isWrapper(root)) {
      root = root.getCause();
    }
    String message;
    if (root instanceof NoSuchFileException e) {
      message = "no such file: " + e.getFile();
    } else if (root instanceof AccessDeniedException e) {
      message = "permission denied: " + e.getFile();
    } else if (root instanceof FileNotFoundException e) {
      message = "cannot open " + e.getMessage();
    } else if (root instanceof BindException e) {
      message = "cannot listen: " + e.getMessage();
    } else {
      message = root.getMessage();
    }
    if (message == null || message.isBlank()) {
      message = root.getClass().getSimpleName();
    }
    return message.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  private static boolean isWrapper(Throwable t) {
    String m = t.getMessage();
    return m == null
        || m.isBlank()
        || (t.getCause() != null && m.equals(t.getCause().toString()))
        || t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.lang.reflect.InvocationTargetException
        || t instanceof java.io.UncheckedIOException;
  }
}
