package dev.detkit.engine;

import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.registry.Registry;
import dev.detkit.engine.optim.OptimWrapper;

/**
 * The parts of a config that the runner reads itself (mmengine's {@code Runner} arguments), typed
 * and validated before anything is built; the components (model, dataset, hooks, schedulers) are
 * built from their own sections.
 *
 * @param seed {@code randomness.seed}: the data order, augmentations and initial weights
 * @param loop {@code train_cfg}: the loop type, its length and the validation schedule
 * @param dataloader {@code train_dataloader}: batch size and sampler
 * @param optimWrapper {@code optim_wrapper}: optimizer, gradient clipping, paramwise options
 * @param autoScaleLrBase {@code auto_scale_lr.base_batch_size} when {@code auto_scale_lr.enable} is
 *     true, else null: the lr is multiplied by the real total batch over it
 * @param loadFrom {@code load_from}: weights loaded before training, or null
 * @param resume {@code resume}: continue from the work dir's last checkpoint
 * @param maxRefetch {@code train_dataloader.dataset.max_refetch}: retries for an unusable sample
 */
public record RunnerConfig(
    long seed,
    TrainLoopCfg loop,
    DataloaderCfg dataloader,
    OptimWrapper.Args optimWrapper,
    Long autoScaleLrBase,
    String loadFrom,
    boolean resume,
    int maxRefetch) {

  /** Reads and binds the runner's sections of {@code cfg}. */
  public static RunnerConfig read(ResolvedConfig cfg, Registry registry) {
    CfgNode seed = cfg.at("randomness.seed");
    CfgNode enable = cfg.at("auto_scale_lr.enable");
    CfgNode base = cfg.at("auto_scale_lr.base_batch_size");
    CfgNode from = cfg.at("load_from");
    CfgNode resume = cfg.at("resume");
    CfgNode refetch = cfg.at("train_dataloader.dataset.max_refetch");
    return new RunnerConfig(
        seed != null && seed.unwrapped() instanceof Long v ? v : 0L,
        registry.bindArgs(TrainLoopCfg.class, cfg.map("train_cfg"), "train_cfg", "train_cfg"),
        registry.bindArgs(
            DataloaderCfg.class,
            cfg.map("train_dataloader"),
            "train_dataloader",
            "train_dataloader"),
        registry.bindArgs(
            OptimWrapper.Args.class, cfg.map("optim_wrapper"), "OptimWrapper", "optim_wrapper"),
        enable != null
                && Boolean.TRUE.equals(enable.unwrapped())
                && base != null
                && base.unwrapped() instanceof Long b
            ? b
            : null,
        from != null && from.unwrapped() instanceof String s ? s : null,
        resume != null && Boolean.TRUE.equals(resume.unwrapped()),
        refetch != null && refetch.unwrapped() instanceof Long n ? n.intValue() : 1000);
  }
}
