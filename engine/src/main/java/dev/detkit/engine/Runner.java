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
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.data.CocoDataset;
import dev.detkit.data.Pipeline;
import dev.detkit.engine.dist.DataParallel;
import dev.detkit.engine.hooks.CheckpointHook;
import dev.detkit.engine.hooks.DetVisualizationHook;
import dev.detkit.engine.hooks.Hook;
import dev.detkit.engine.hooks.LoggerHook;
import dev.detkit.engine.optim.OptimWrapper;
import dev.detkit.engine.optim.ParamGroup;
import dev.detkit.engine.sched.LrSchedule;
import dev.detkit.engine.sched.ParamScheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  private final Path workDir;
  private final PrintWriter out;
  private final PrintWriter err;
  private final TrainableDetector detector;
  private final Module model;
  private final OptimWrapper optim;
  private final LrSchedule schedule;
  private final TrainLoopCfg loop;
  private final TrainDataLoader loader;
  private final Validator validator;
  private final List<Hook> hooks;
  private final ScalarLog scalars;
  private final long seed;
  private final List<String> classes;
  private final DataParallel dp;

  private int epoch;
  private long iter;
  private int innerIter;
  private int samplerEpoch;
  private double lr;
  private double etaSeconds;
  private final List<Map<String, Double>> valHistory = new ArrayList<>();

  /**
   * Builds everything; {@code resume} continues from the work dir's last checkpoint (also when the
   * config says {@code resume: true}).
   */
  public Runner(
      ResolvedConfig cfg,
      Backend backend,
      Path workDir,
      boolean resume,
      PrintWriter out,
      PrintWriter err) {
    this(cfg, backend, workDir, resume, out, err, null);
  }

  /**
   * One rank of a data-parallel job when {@code dp} is given (null: a single process): the rank
   * reads its shard of each epoch, gradients are averaged over the ranks after each backward, the
   * learning rate scales with the total batch, and rank 0 alone writes logs, checkpoints and
   * validation results.
   */
  public Runner(
      ResolvedConfig cfg,
      Backend backend,
      Path workDir,
      boolean resume,
      PrintWriter out,
      PrintWriter err,
      DataParallel dp) {
    backend.require(Capability.AUTOGRAD);
    this.dp = dp;
    this.cfg = cfg;
    this.backend = backend;
    this.workDir = workDir;
    this.out = out;
    this.err = err;
    Registry registry = Registry.get();
    BuildContext ctx = new BuildContext(registry, backend);
    this.seed = seedOf(cfg);
    this.loop =
        registry.bindArgs(TrainLoopCfg.class, cfg.map("train_cfg"), "train_cfg", "train_cfg");
    DataloaderCfg dl =
        registry.bindArgs(
            DataloaderCfg.class,
            cfg.map("train_dataloader"),
            "train_dataloader",
            "train_dataloader");
    // Config-only parts first, so a misspelt hook or scheduler fails before any data is read.
    this.hooks = isMain() ? hooks(ctx) : computeHooks(hooks(ctx));
    List<ParamScheduler> schedulers = schedulers(ctx);
    OptimWrapper.Args ow =
        registry.bindArgs(
            OptimWrapper.Args.class, cfg.map("optim_wrapper"), "OptimWrapper", "optim_wrapper");
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
    CfgNode refetch = cfg.at("train_dataloader.dataset.max_refetch");
    this.loader =
        new TrainDataLoader(
            dataset,
            pipeline,
            dl,
            seed,
            refetch != null && refetch.unwrapped() instanceof Long n ? n.intValue() : 1000,
            dp == null ? 0 : dp.group().rank(),
            worldSize());
    this.validator = Validator.of(cfg, ctx);
    this.detector =
        registry.build(
            ComponentKind.DETECTOR, cfg.map("model"), "model", TrainableDetector.class, ctx);
    this.model = detector.module();
    loadFrom();
    model.train(true);
    model.requireGradients();
    this.optim = OptimWrapper.build(ow, model, ctx);
    int perEpoch = loader.batchesPerEpoch();
    this.schedule =
        new LrSchedule(
            scaledLr(cfg, optim.optimizer().baseLr(), dl),
            schedulers.stream().map(s -> s.iterBased(perEpoch)).toList());
    this.lr = schedule.baseLr();
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create work dir " + workDir, e);
    }
    this.scalars = new ScalarLog(workDir.resolve("scalars.jsonl"));
    CfgNode resumeNode = cfg.at("resume");
    if (resume || (resumeNode != null && Boolean.TRUE.equals(resumeNode.unwrapped()))) {
      resumeFromLast();
    }
    if (dp != null) {
      dp.syncState(model);
      String setup = dp.attach(model, trainableParameters());
      if (isMain()) {
        err.println(setup);
      }
    }
  }

  /** The optimizer's parameters, each once (tied weights are one parameter under two names). */
  private List<Parameter> trainableParameters() {
    Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Parameter> out = new ArrayList<>();
    for (ParamGroup g : optim.optimizer().groups()) {
      if (seen.add(g.param())) {
        out.add(g.param());
      }
    }
    return out;
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

  /** The hooks that change training rather than write its record: what ranks above 0 run. */
  private static List<Hook> computeHooks(List<Hook> all) {
    List<Hook> out = new ArrayList<>();
    for (Hook h : all) {
      if (!(h instanceof CheckpointHook
          || h instanceof LoggerHook
          || h instanceof DetVisualizationHook)) {
        out.add(h);
      }
    }
    return out;
  }

  private static long seedOf(ResolvedConfig cfg) {
    CfgNode s = cfg.at("randomness.seed");
    return s != null && s.unwrapped() instanceof Long v ? v : 0L;
  }

  private double scaledLr(ResolvedConfig cfg, double lr, DataloaderCfg dl) {
    CfgNode enable = cfg.at("auto_scale_lr.enable");
    CfgNode base = cfg.at("auto_scale_lr.base_batch_size");
    if (enable != null
        && Boolean.TRUE.equals(enable.unwrapped())
        && base != null
        && base.unwrapped() instanceof Long b) {
      // mmengine scales by the real total batch: per-rank batch times the world size.
      int total = dl.batchSize() * worldSize();
      double scaled = lr * total / b;
      out.printf(
          "auto_scale_lr: lr %.6g -> %.6g (batch %d x %d ranks / base %d)%n",
          lr, scaled, dl.batchSize(), worldSize(), b);
      return scaled;
    }
    return lr;
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
    CfgNode n = cfg.at("load_from");
    if (n != null && n.unwrapped() instanceof String from) {
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
    epoch = s.epoch();
    iter = s.iter();
    out.printf("resumed from %s: epoch %d, iteration %d%n", ckpt, epoch, iter);
  }

  // ---- state the hooks read ----

  /** The backend the model runs on. */
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
    return epoch;
  }

  /** Completed iterations over the whole run. */
  public long iter() {
    return iter;
  }

  /** Completed iterations of the current epoch. */
  public int innerIter() {
    return innerIter;
  }

  public int itersPerEpoch() {
    return loader.batchesPerEpoch();
  }

  public int maxEpochs() {
    return loop.byEpoch()
        ? loop.maxEpochs()
        : (int) ((loop.maxIters() + itersPerEpoch() - 1) / itersPerEpoch());
  }

  public long maxIters() {
    return loop.byEpoch() ? (long) loop.maxEpochs() * itersPerEpoch() : loop.maxIters();
  }

  public LrSchedule schedule() {
    return schedule;
  }

  public void setLr(double lr) {
    this.lr = lr;
  }

  public double etaSeconds() {
    return etaSeconds;
  }

  public void setEtaSeconds(double s) {
    this.etaSeconds = s;
  }

  public void setSamplerEpoch(int e) {
    this.samplerEpoch = e;
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
    return valHistory;
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
          new TrainCheckpoint.State(epoch, iter, seed, cfg.file().getFileName().toString()),
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
    hooks.forEach(h -> h.beforeTrain(this));
    Map<String, Double> last = Map.of();
    while (iter < maxIters()) {
      int perEpoch = itersPerEpoch();
      epoch = (int) (iter / perEpoch);
      innerIter = (int) (iter % perEpoch);
      samplerEpoch = 0;
      hooks.forEach(h -> h.beforeTrainEpoch(this));
      List<int[]> batches = loader.batches(samplerEpoch);
      while (innerIter < perEpoch && iter < maxIters()) {
        runIter(batches.get(innerIter));
      }
      if (innerIter == perEpoch) {
        epoch++;
        hooks.forEach(h -> h.afterTrainEpoch(this));
        if (validator != null && isMain() && shouldValidate()) {
          last = validate();
        }
      }
    }
    hooks.forEach(h -> h.afterTrain(this));
    if (isMain()) {
      TrainCurves.write(scalars.file(), workDir.resolve("curves.png"));
    }
    return last;
  }

  private boolean shouldValidate() {
    long step = loop.byEpoch() ? epoch : iter;
    return step >= loop.valBegin() && step % loop.valInterval() == 0
        || (loop.byEpoch() ? epoch == maxEpochs() : iter == maxIters());
  }

  private void runIter(int[] batch) {
    hooks.forEach(h -> h.beforeTrainIter(this));
    long t0 = System.nanoTime();
    List<DetSample> samples = loader.load(batch, samplerEpoch);
    long t1 = System.nanoTime();
    Map<String, Double> losses = new LinkedHashMap<>();
    if (dp != null) {
      dp.beforeStep();
    }
    try (TensorScope scope = TensorScope.open();
        GradientScope g = backend.recordGradients()) {
      Map<String, Tensor> terms = detector.loss(samples);
      Tensor total = null;
      for (Tensor t : terms.values()) {
        total = total == null ? t : total.add(t);
      }
      losses.put("loss", total.item());
      for (Map.Entry<String, Tensor> e : terms.entrySet()) {
        losses.put(e.getKey(), e.getValue().item());
      }
      if (dp == null) {
        optim.update(total, lr);
      } else {
        try {
          optim.update(total, lr, () -> dp.averageGradients(trainableParameters()));
        } catch (RuntimeException e) {
          throw dp.backwardFailure(e);
        }
      }
    }
    if (dp != null) {
      losses = new LinkedHashMap<>(dp.meanOverRanks(losses, backend));
      if (!dp.bucketed()) {
        // Seconds this rank spent in the gradient all-reduce (logged beside mmengine's time keys);
        // bucketed all-reduces run inside backward and have no time of their own.
        losses.put("allreduce_time", dp.lastAllReduceSeconds());
      }
    }
    if (!Double.isNaN(optim.lastGradNorm())) {
      losses.put("grad_norm", optim.lastGradNorm());
    }
    long t2 = System.nanoTime();
    iter++;
    innerIter++;
    IterRecord rec = new IterRecord(losses, lr, (t2 - t0) / 1e9, (t1 - t0) / 1e9);
    hooks.forEach(h -> h.afterTrainIter(this, rec));
  }

  /** One pass of the validation loop (eval mode, no gradients); returns its metrics. */
  public Map<String, Double> validate() {
    hooks.forEach(h -> h.beforeVal(this));
    model.train(false);
    Map<String, Double> metrics;
    try (GradientScope off = backend.noGradients()) {
      metrics =
          validator.run(
              detector,
              workDir.resolve("val_results.bbox.json"),
              (s, d) -> hooks.forEach(h -> h.afterValIter(this, s, d)));
    } finally {
      model.train(true);
    }
    valHistory.add(metrics);
    hooks.forEach(h -> h.afterVal(this, metrics));
    return metrics;
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
