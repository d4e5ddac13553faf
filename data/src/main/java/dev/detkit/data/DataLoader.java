package dev.detkit.data;

import dev.detkit.api.structures.DetSample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Batches of samples in dataset order, decoded and transformed by background workers ({@code
 * num_workers}) a few batches ahead. An image that fails to load is reported through {@code
 * onError} and left out of its batch; the others go on.
 */
public final class DataLoader implements Iterable<List<DetSample>>, AutoCloseable {
  /** Receives images that could not be loaded. */
  public interface ErrorSink {
    void failed(CocoDataset.Item item, RuntimeException e);
  }

  private final CocoDataset dataset;
  private final Pipeline pipeline;
  private final int batchSize;
  private final ExecutorService workers;
  private final ErrorSink onError;

  public DataLoader(
      CocoDataset dataset, Pipeline pipeline, int batchSize, int numWorkers, ErrorSink onError) {
    this.dataset = dataset;
    this.pipeline = pipeline;
    this.batchSize = Math.max(1, batchSize);
    this.workers =
        Executors.newFixedThreadPool(
            Math.max(1, numWorkers),
            r -> {
              Thread t = new Thread(r, "detkit-data");
              t.setDaemon(true);
              return t;
            });
    this.onError = onError;
  }

  /** Number of batches. */
  public int size() {
    return (dataset.items().size() + batchSize - 1) / batchSize;
  }

  @Override
  public Iterator<List<DetSample>> iterator() {
    List<CocoDataset.Item> items = dataset.items();
    Deque<Future<DetSample>> ahead = new ArrayDeque<>();
    int[] next = {0};
    int window = batchSize * 2 + 2;
    Runnable fill =
        () -> {
          while (ahead.size() < window && next[0] < items.size()) {
            CocoDataset.Item item = items.get(next[0]++);
            ahead.add(workers.submit(() -> pipeline.load(item.path(), item.imgId())));
          }
        };
    fill.run();
    return new Iterator<>() {
      int consumed;

      @Override
      public boolean hasNext() {
        return consumed < items.size();
      }

      @Override
      public List<DetSample> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        List<DetSample> batch = new ArrayList<>();
        while (batch.size() < batchSize && consumed < items.size()) {
          Future<DetSample> f = ahead.poll();
          CocoDataset.Item item = items.get(consumed++);
          try {
            batch.add(f.get());
          } catch (ExecutionException e) {
            RuntimeException cause =
                e.getCause() instanceof RuntimeException re
                    ? re
                    : new RuntimeException(e.getCause());
            onError.failed(item, cause);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + item.path(), e);
          }
          fill.run();
        }
        return batch;
      }
    };
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
