package dev.detkit.engine;

import dev.detkit.api.registry.Default;
import java.util.Map;

/**
 * mmengine's dataloader keys ({@code train_dataloader}, {@code val_dataloader}); the dataset is
 * built separately from {@code dataset}. {@code sampler.shuffle} and {@code batch_sampler:
 * AspectRatioBatchSampler} are honoured; workers are threads.
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
