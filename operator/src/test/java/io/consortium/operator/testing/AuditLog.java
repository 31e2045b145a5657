package io.consortium.operator.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The structured audit log ({@code consortium.audit}) as a scenario reads it: every line written
 * while it is open, by every organization of the test JVM (filter by peer or share).
 */
public final class AuditLog implements AutoCloseable {

  private final Logger logger = (Logger) LoggerFactory.getLogger("consortium.audit");
  private final Level before = logger.getLevel();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  private AuditLog() {
    lines.start();
    logger.addAppender(lines);
    logger.setLevel(Level.INFO);
  }

  public static AuditLog capture() {
    return new AuditLog();
  }

  /** The lines so far, as written (one JSON object each). */
  public List<String> lines() {
    synchronized (lines.list) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(lines);
    logger.setLevel(before);
    lines.stop();
  }
}
