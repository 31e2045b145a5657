package io.consortium.operator.pairing;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Runs tasks one at a time, in order, on a shared executor: one link's frames never overtake each other. */
final class SerialExecutor implements Executor {

  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor shared;
  private Runnable active;

  SerialExecutor(Executor shared) {
    this.shared = shared;
  }

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(() -> {
      try {
        task.run();
      } finally {
        next();
      }
    });
    if (active == null) {
      next();
    }
  }

  private synchronized void next() {
    active = tasks.poll();
    if (active != null) {
      try {
        shared.execute(active);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down: what is left is dropped with the link
        tasks.clear();
        active = null;
      }
    }
  }
}
