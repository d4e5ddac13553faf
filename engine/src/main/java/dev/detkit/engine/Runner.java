package dev.detkit.engine;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.CfgList;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.CfgPrinter;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.TrainableDetector;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.data.CocoDataset;
import dev.detkit.data.Pipeline;
import dev.detkit.engine.dist.DataParallel;
import dev.detkit.engine.hooks.Hook;
import dev.detkit.engine.optim.OptimWrapper;
import dev.detkit.engine.sched.LrSchedule;
import dev.detkit.engine.sched.ParamScheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * mmengine's {@code Runner} for training: builds the model, optimizer wrapper, schedule,
 * dataloader, validation loop and hooks from a config, then runs {@code EpochBasedTrainLoop} or
 * {@code IterBasedTrainLoop} with validation every {@code val_interval}. The work dir receives the
 * resolved config, {@code scalars.jsonl}, checkpoints and {@code curves.png}. With {@code resume},
 * training continues from {@code WORK_DIR/last_checkpoint} (model, optimizer, epoch and iteration;
 * the data order and augmentations are functions of seed and position, so nothing else is needed).
 */
public final class Runner implements AutoCloseable {
  private final ResolvedConfig cfg;
  private final Backend backend;
  private final RuntimeOptions options;
  private final Path workDir;
  private final PrintWriter out;
  private final PrintWriter err;
  private final TrainableDetector detector;
  private final Module model;
  private final OptimWrapper optim;
  private final LrSchedule schedule;
  private final RunnerConfig settings;
  private final TrainDataLoader loader;
  private final List<Hook> hooks;
  private final ScalarLog scalars;
  private final List<String> classes;
  private final DataParallel dp;
  private final TrainState state = new TrainState();
  private final TrainLoop loop;

  /**
   * Builds everything; {@code resume} continues from the work dir's last checkpoint (also when the
   * config says {@code resume: true}).
   */
  public Runner(
      ResolvedConfig cfg,
      BuildContext ctx,
      Path workDir,
      boolean resume,
      PrintWriter out,
      PrintWriter err) {
    this(cfg, ctx, workDir, resume, out, err, null);
  }

  /**
   * One rank of a data-parallel job when {@code dp} is given (null: a single process): the rank
   * reads its shard of each epoch, gradients are averaged over the ranks after each backward, the
   * learning rate scales with the total batch, and rank 0 alone writes logs, checkpoints and
   * validation results. Everything is built with {@code ctx}: the caller's registry, backend and
   * runtime options.
   */
  public Runner(
      ResolvedConfig cfg,
      BuildContext ctx,
      Path workDir,
      boolean resume,
      PrintWriter out,
      PrintWriter err,
      DataParallel dp) {
    Backend backend = ctx.backend();
    backend.require(Capability.AUTOGRAD);
    this.dp = dp;
    this.cfg = cfg;
    this.backend = backend;
    this.workDir = workDir;
    this.out = out;
    this.err = err;
    this.options = ctx.options();
    Registry registry = ctx.registry();
    this.settings = RunnerConfig.read(cfg, registry);
    // Config-only parts first, so a misspelt hook or scheduler fails before any data is read.
    List<Hook> allHooks = hooks(ctx);
    this.hooks = isMain() ? allHooks : allHooks.stream().filter(h -> !h.recordOnly()).toList();
    List<ParamScheduler> schedulers = schedulers(ctx);
    CocoDataset dataset =
        registry.build(
            ComponentKind.DATASET,
            cfg.map("train_dataloader.dataset"),
            "train_dataloader.dataset",
            CocoDataset.class,
            ctx);
    this.classes = dataset.classes();
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("train_dataloader.dataset.pipeline"), "train_dataloader.dataset.pipeline", ctx);
    this.loader =
        new TrainDataLoader(
            dataset,
            pipeline,
            settings.dataloader(),
            settings.seed(),
            settings.maxRefetch(),
            dp == null ? 0 : dp.group().rank(),
            worldSize());
    Validator validator = Validator.of(cfg, ctx);
    this.detector =
        registry.build(
            ComponentKind.DETECTOR, cfg.map("model"), "model", TrainableDetector.class, ctx);
    this.model = detector.module();
    loadFrom();
    model.train(true);
    model.requireGradients();
    this.optim = OptimWrapper.build(settings.optimWrapper(), model, ctx);
    int perEpoch = loader.batchesPerEpoch();
    this.schedule =
        new LrSchedule(
            scaledLr(optim.optimizer().baseLr()),
            schedulers.stream().map(s -> s.iterBased(perEpoch)).toList());
    state.lr = schedule.baseLr();
    this.loop =
        new TrainLoop(
            this, state, settings.loop(), loader, detector, optim, validator, hooks, dp, backend);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create work dir " + workDir, e);
    }
    this.scalars = new ScalarLog(workDir.resolve("scalars.jsonl"));
    if (resume || settings.resume()) {
      resumeFromLast();
    }
    if (dp != null) {
      dp.syncState(model);
      String setup = dp.attach(model, TrainLoop.trainableParameters(optim));
      if (isMain()) {
        err.println(setup);
      }
    }
  }

  /** True on the process that writes (rank 0, or the only process). */
  public boolean isMain() {
    return dp == null || dp.isMain();
  }

  /** Number of data-parallel ranks (1 for a single process). */
  public int worldSize() {
    return dp == null ? 1 : dp.group().worldSize();
  }

  /** The data-parallel wrapper, or null for a single process. */
  public DataParallel dataParallel() {
    return dp;
  }

  /**
   * The lr scaled by the real total batch (per-rank batch times ranks), as mmengine's
   * auto_scale_lr.
   */
  private double scaledLr(double lr) {
    Long base = settings.autoScaleLrBase();
    if (base == null) {
      return lr;
    }
    int batch = settings.dataloader().batchSize();
    double scaled = lr * batch * worldSize() / base;
    out.printf(
        "auto_scale_lr: lr %.6g -> %.6g (batch %d x %d ranks / base %d)%n",
        lr, scaled, batch, worldSize(), base);
    return scaled;
  }

  private List<ParamScheduler> schedulers(BuildContext ctx) {
    List<ParamScheduler> out = new ArrayList<>();
    CfgNode n = cfg.at("param_scheduler");
    if (n == null || n.unwrapped() == null) {
      return out;
    }
    List<CfgNode> items = n instanceof CfgList l ? l.items() : List.of(n);
    for (int i = 0; i < items.size(); i++) {
      String path = n instanceof CfgList ? "param_scheduler." + i : "param_scheduler";
      if (!(items.get(i) instanceof CfgMap m)) {
        throw ConfigException.at(items.get(i).origin(), path, "expected a scheduler map");
      }
      out.add(
          ctx.registry().build(ComponentKind.PARAM_SCHEDULER, m, path, ParamScheduler.class, ctx));
    }
    return out;
  }

  private List<Hook> hooks(BuildContext ctx) {
    List<Hook> out = new ArrayList<>();
    if (cfg.at("default_hooks") instanceof CfgMap m) {
      for (Map.Entry<String, CfgNode> e : m.entries().entrySet()) {
        if (e.getValue() instanceof CfgMap hm) {
          out.add(
              ctx.registry()
                  .build(ComponentKind.HOOK, hm, "default_hooks." + e.getKey(), Hook.class, ctx));
        }
      }
    }
    if (cfg.at("custom_hooks") instanceof CfgList l) {
      for (int i = 0; i < l.size(); i++) {
        if (!(l.get(i) instanceof CfgMap hm)) {
          throw ConfigException.at(l.get(i).origin(), "custom_hooks." + i, "expected a hook map");
        }
        out.add(ctx.registry().build(ComponentKind.HOOK, hm, "custom_hooks." + i, Hook.class, ctx));
      }
    }
    out.sort(Comparator.comparingInt(Hook::priority));
    return out;
  }

  private void loadFrom() {
    String from = settings.loadFrom();
    if (from != null) {
      Path p = Path.of(from);
      LoadReport r = model.loadStateDict(Checkpoints.load(p), backend, false, from);
      out.println(
          "load_from " + from + (r.isClean() ? "" : ": " + r.toString().replace("\n", "; ")));
    }
  }

  private void resumeFromLast() {
    Path marker = workDir.resolve("last_checkpoint");
    if (!Files.isRegularFile(marker)) {
      out.println("resume: no " + marker + "; starting from scratch");
      return;
    }
    Path ckpt;
    try {
      ckpt = Path.of(Files.readString(marker).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + marker, e);
    }
    TrainCheckpoint.State s = TrainCheckpoint.state(ckpt);
    LoadReport r = model.loadStateDict(Checkpoints.load(ckpt), backend, true, ckpt.toString());
    if (!r.isClean()) {
      throw new dev.detkit.api.checkpoint.CheckpointException(ckpt + ": " + r.summary());
    }
    model.requireGradients();
    Map<String, TensorData> all = dev.detkit.api.checkpoint.Safetensors.read(ckpt);
    hooks.forEach(h -> h.afterLoadCheckpoint(this, all));
    optim.optimizer().loadState(TrainCheckpoint.optimizerState(ckpt));
    state.epoch = s.epoch();
    state.iter = s.iter();
    out.printf("resumed from %s: epoch %d, iteration %d%n", ckpt, state.epoch, state.iter);
  }

  // ---- state the hooks read ----

  /** The backend the model runs on. */
  /** The runtime options the run was built with (hooks read the progress mode). */
  public RuntimeOptions options() {
    return options;
  }

  public dev.detkit.api.tensor.Backend backend() {
    return backend;
  }

  public Path workDir() {
    return workDir;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /** Completed epochs (mmengine's {@code runner.epoch}; during an epoch, its 0-based index). */
  public int epoch() {
    return state.epoch;
  }

  /** Completed iterations over the whole run. */
  public long iter() {
    return state.iter;
  }

  /** Completed iterations of the current epoch. */
  public int innerIter() {
    return state.innerIter;
  }

  public int itersPerEpoch() {
    return loop.itersPerEpoch();
  }

  public int maxEpochs() {
    return loop.maxEpochs();
  }

  public long maxIters() {
    return loop.maxIters();
  }

  public LrSchedule schedule() {
    return schedule;
  }

  public void setLr(double lr) {
    state.lr = lr;
  }

  public double etaSeconds() {
    return state.etaSeconds;
  }

  public void setEtaSeconds(double s) {
    state.etaSeconds = s;
  }

  public void setSamplerEpoch(int e) {
    state.samplerEpoch = e;
  }

  public ScalarLog scalars() {
    return scalars;
  }

  public TrainableDetector model() {
    return detector;
  }

  public List<String> classes() {
    return classes;
  }

  /** Validation results so far, one map per validation. */
  public List<Map<String, Double>> valHistory() {
    return state.valHistory;
  }

  /** Peak resident memory of the process so far, in MB (mmdet's "Mem" on a CPU). */
  public long peakMemoryMb() {
    return MemoryProbe.procStatusKb("VmHWM") / 1024;
  }

  /** Writes a training checkpoint and points {@code last_checkpoint} at it. */
  public void saveCheckpoint(Path file) {
    Map<String, TensorData> extra = new java.util.LinkedHashMap<>();
    hooks.forEach(h -> h.beforeSaveCheckpoint(this, extra));
    try {
      TrainCheckpoint.save(
          file,
          model,
          optim.optimizer(),
          new TrainCheckpoint.State(
              state.epoch, state.iter, settings.seed(), cfg.file().getFileName().toString()),
          extra);
    } finally {
      hooks.forEach(h -> h.afterSaveCheckpoint(this));
    }
    try {
      Files.writeString(workDir.resolve("last_checkpoint"), file.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + workDir.resolve("last_checkpoint"), e);
    }
  }

  // ---- the loop ----

  /** Runs training to the end; returns the last validation metrics (empty without validation). */
  public Map<String, Double> train() {
    if (isMain()) {
      writeResolvedConfig();
    }
    Map<String, Double> last = loop.run();
    if (isMain()) {
      TrainCurves.write(scalars.file(), workDir.resolve("curves.png"));
    }
    return last;
  }

  /** One pass of the validation loop (eval mode, no gradients); returns its metrics. */
  public Map<String, Double> validate() {
    return loop.validate();
  }

  private void writeResolvedConfig() {
    String name = cfg.file().getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".yaml";
    try {
      Files.writeString(workDir.resolve(name), CfgPrinter.yaml(cfg.root(), false));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the resolved config to " + workDir, e);
    }
  }

  @Override
  public void close() {
    loader.close();
    if (dp != null) {
      dp.close();
    }
    optim.close();
    model.close();
  }
}
