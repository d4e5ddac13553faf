package dev.detkit.engine;

import dev.detkit.api.registry.Default;
import java.util.Map;

/**
 * mmengine's dataloader keys ({@code train_dataloader}, {@code val_dataloader}); the dataset is
 * built separately from {@code dataset}. {@code sampler.shuffle} and {@code batch_sampler:
 * AspectRatioBatchSampler} are honoured; workers are threads.
 *
 * @param batchSize number of images per batch (per process); at least 1
 * @param numWorkers number of loading workers (threads in detkit; 0 loads on one thread)
 * @param persistentWorkers whether workers outlive an epoch; detkit's threads are its own, so it is
 *     ignored
 * @param pinMemory whether batches go to page-locked memory; detkit ignores it (no effect on
 *     results)
 * @param dropLast whether to drop the last incomplete batch of an epoch
 * @param sampler config of the sampler: DefaultSampler or InfiniteSampler, with shuffle (true draws
 *     a new order each epoch); detkit refuses other types
 * @param batchSampler config of the batch sampler: null, or AspectRatioBatchSampler (batches of
 *     images of the same orientation); detkit refuses other types
 * @param dataset config of the dataset (built separately, e.g. CocoDataset)
 */
public record DataloaderCfg(
    @Default("1") int batchSize,
    @Default("0") int numWorkers,
    @Default("false") boolean persistentWorkers,
    @Default("false") boolean pinMemory,
    @Default("false") boolean dropLast,
    @Default("{type: DefaultSampler, shuffle: true}") Map<String, Object> sampler,
    @Default("null") Map<String, Object> batchSampler,
    Map<String, Object> dataset) {
  public DataloaderCfg {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch_size must be at least 1");
    }
    Object type = sampler.get("type");
    if (!"DefaultSampler".equals(type) && !"InfiniteSampler".equals(type)) {
      throw new IllegalArgumentException(
          "sampler.type '" + type + "' is not supported (use DefaultSampler or InfiniteSampler)");
    }
    if (batchSampler != null && !"AspectRatioBatchSampler".equals(batchSampler.get("type"))) {
      throw new IllegalArgumentException(
          "batch_sampler.type '"
              + batchSampler.get("type")
              + "' is not supported (use AspectRatioBatchSampler)");
    }
  }

  /** Whether the sampler shuffles (mmengine's default: true). */
  public boolean shuffle() {
    return !Boolean.FALSE.equals(sampler.get("shuffle"));
  }

  /** Whether batches group images of the same orientation (AspectRatioBatchSampler). */
  public boolean groupByAspectRatio() {
    return batchSampler != null;
  }
}
