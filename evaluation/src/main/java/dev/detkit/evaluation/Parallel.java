package dev.detkit.evaluation;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs fork-join work so that every core is used. On the common pool (whose parallelism is one less
 * than the core count) the calling thread takes part, as parallel streams do; another pool runs the
 * work on its own threads.
 */
final class Parallel {
  private Parallel() {}

  /** How many threads work on a task run with {@link #run}. */
  static int threads(ForkJoinPool pool) {
    return pool == ForkJoinPool.commonPool() ? pool.getParallelism() + 1 : pool.getParallelism();
  }

  /** Runs {@code task} to completion on {@code pool} and returns its result. */
  static <T> T run(ForkJoinPool pool, ForkJoinTask<T> task) {
    if (pool == ForkJoinPool.commonPool() || ForkJoinTask.getPool() == pool) {
      return task.invoke(); // this thread computes it; forked subtasks go to the pool
    }
    return pool.invoke(task);
  }
}
