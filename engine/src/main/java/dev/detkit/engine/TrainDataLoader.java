package dev.detkit.engine;

import dev.detkit.api.structures.DetSample;
import dev.detkit.data.CocoDataset;
import dev.detkit.data.Pipeline;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training dataloader: mmengine's DefaultSampler (a permutation per epoch, seeded by {@code
 * seed + epoch}, as DistSamplerSeedHook sets it), optionally mmdet's AspectRatioBatchSampler
 * (landscape and portrait images batched apart; leftovers last), and the pipeline run on worker
 * threads. Every sample's random transforms draw from a generator seeded by (seed, epoch, position,
 * attempt), so a run and a resumed run see the same augmentations. When a transform rejects an
 * image (an empty random crop), another index is drawn, up to {@code max_refetch} times (mmengine's
 * BaseDataset refetch).
 */
public final class TrainDataLoader implements AutoCloseable {
  private final List<CocoDataset.Item> items;
  private final Pipeline pipeline;
  private final DataloaderCfg cfg;
  private final long seed;
  private final int rank;
  private final int worldSize;
  private final int maxRefetch;
  private final ExecutorService workers;
  private final int batchesPerEpoch;

  public TrainDataLoader(
      CocoDataset dataset, Pipeline pipeline, DataloaderCfg cfg, long seed, int maxRefetch) {
    this(dataset, pipeline, cfg, seed, maxRefetch, 0, 1);
  }

  /**
   * The loader of one rank of a data-parallel job: mmengine's DefaultSampler with {@code
   * world_size}, which rounds the epoch's order up to a multiple of the world size by repeating its
   * start and gives rank {@code r} the positions {@code r, r + world, r + 2 world, ...}.
   */
  public TrainDataLoader(
      CocoDataset dataset,
      Pipeline pipeline,
      DataloaderCfg cfg,
      long seed,
      int maxRefetch,
      int rank,
      int worldSize) {
    this.rank = rank;
    this.worldSize = worldSize;
    if (dataset.items().isEmpty()) {
      throw new dev.detkit.api.config.ConfigException(
          "the training dataset "
              + dataset.annFile()
              + " has no images (after filter_cfg: images without boxes or below min_size are dropped)");
    }
    this.items = dataset.items();
    this.pipeline = pipeline;
    this.cfg = cfg;
    this.seed = seed;
    this.maxRefetch = maxRefetch;
    this.workers =
        Executors.newFixedThreadPool(
            Math.max(1, cfg.numWorkers()),
            r -> {
              Thread t = new Thread(r, "detkit-train-data");
              t.setDaemon(true);
              return t;
            });
    // The count does not depend on the epoch's order (aspect-ratio leftovers are batched together).
    this.batchesPerEpoch = batches(0).size();
  }

  /** Batches per epoch. */
  public int batchesPerEpoch() {
    return batchesPerEpoch;
  }

  /** The dataset indices of each batch of {@code epoch}, in order. */
  public List<int[]> batches(int epoch) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      order.add(i);
    }
    if (cfg.shuffle()) {
      Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
    }
    if (worldSize > 1) {
      order = shard(order);
    }
    List<int[]> out = new ArrayList<>();
    int bs = cfg.batchSize();
    if (!cfg.groupByAspectRatio()) {
      for (int s = 0; s < order.size(); s += bs) {
        addBatch(out, order.subList(s, Math.min(s + bs, order.size())), bs);
      }
      return out;
    }
    List<List<Integer>> buckets = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i : order) {
      CocoDataset.Item it = items.get(i);
      List<Integer> bucket = buckets.get(it.width() < it.height() ? 1 : 0);
      bucket.add(i);
      if (bucket.size() == bs) {
        addBatch(out, bucket, bs);
        bucket.clear();
      }
    }
    List<Integer> left = new ArrayList<>(buckets.get(0));
    left.addAll(buckets.get(1));
    for (int s = 0; s < left.size(); s += bs) {
      addBatch(out, left.subList(s, Math.min(s + bs, left.size())), bs);
    }
    return out;
  }

  private List<Integer> shard(List<Integer> order) {
    int total = (order.size() + worldSize - 1) / worldSize * worldSize;
    List<Integer> mine = new ArrayList<>();
    for (int i = rank; i < total; i += worldSize) {
      mine.add(order.get(i % order.size()));
    }
    return mine;
  }

  private void addBatch(List<int[]> out, List<Integer> idx, int bs) {
    if (idx.size() < bs && cfg.dropLast()) {
      return;
    }
    out.add(idx.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Loads one batch (its samples in parallel). */
  public List<DetSample> load(int[] batch, int epoch) {
    List<Future<DetSample>> futures = new ArrayList<>();
    for (int k = 0; k < batch.length; k++) {
      int index = batch[k];
      int position = k;
      futures.add(workers.submit(() -> loadOne(index, epoch, position)));
    }
    List<DetSample> out = new ArrayList<>();
    for (Future<DetSample> f : futures) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re
            ? re
            : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while loading a batch", e);
      }
    }
    return out;
  }

  private DetSample loadOne(int index, int epoch, int position) {
    int current = index;
    for (int attempt = 0; attempt <= maxRefetch; attempt++) {
      long s = ((seed * 31 + epoch) * 1_000_003L + index) * 131 + position * 7919L + attempt;
      Random rng = new Random(s);
      DetSample sample = pipeline.load(items.get(current), rng);
      if (sample != null) {
        return sample;
      }
      current = rng.nextInt(items.size());
    }
    throw new IllegalStateException(
        "no valid sample after "
            + maxRefetch
            + " refetches starting at "
            + items.get(index).path()
            + " (every random crop lost all boxes)");
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
