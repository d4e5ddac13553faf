package dev.detkit.api.nn;

import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;

/**
 * {@code nn.BatchNorm2d}: {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}
 * and {@code num_batches_tracked}. In training mode it normalises with batch statistics and updates
 * the running ones as PyTorch does; in eval mode it uses the running ones. A {@code SyncBN} layer
 * given a process group ({@link #synchronizeAcross}) takes its batch statistics over all ranks.
 */
public final class BatchNorm2d extends Layer implements NormLayer {
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter runningMean;
  private final Parameter runningVar;
  private final Parameter numBatchesTracked;
  private final NormCfg cfg;
  private ProcessGroup syncGroup;

  public BatchNorm2d(Backend b, int channels, NormCfg cfg) {
    if (!cfg.isBatchNorm()) {
      throw new IllegalArgumentException(
          "norm_cfg type " + cfg.type() + " is not a batch norm (BN, BN2d or SyncBN) here");
    }
    this.cfg = cfg;
    weight = parameter("weight", b.ones(DType.FLOAT32, channels));
    bias = parameter("bias", b.zeros(DType.FLOAT32, channels));
    runningMean = buffer("running_mean", b.zeros(DType.FLOAT32, channels));
    runningVar = buffer("running_var", b.ones(DType.FLOAT32, channels));
    numBatchesTracked = buffer("num_batches_tracked", b.zeros(DType.INT64));
    if (!cfg.requiresGrad()) {
      weight.setTrainable(false);
      bias.setTrainable(false);
    }
  }

  /**
   * mmdet's {@code norm_eval}: every BN layer of {@code root} stays in eval mode while training.
   * Like mmdet, which tests {@code isinstance(m, nn.BatchNorm2d)}, SyncBN layers are not affected.
   */
  public static void applyNormEval(Module root) {
    root.apply(
        m -> {
          if (m instanceof BatchNorm2d bn && bn.type().equals("BN")) {
            bn.markEval();
          }
        });
  }

  /** The norm type as configured ({@code BN} or {@code SyncBN}); norm_eval only affects BN. */
  public String type() {
    return cfg.type();
  }

  /**
   * torch's {@code convert_sync_batchnorm} for this layer: in training, batch statistics are taken
   * over the batches of every rank of {@code group}. Only {@code SyncBN} layers synchronise.
   */
  public void synchronizeAcross(ProcessGroup group) {
    if (!cfg.type().equals("SyncBN")) {
      throw new IllegalStateException("norm_cfg type " + cfg.type() + " does not synchronise");
    }
    this.syncGroup = group;
  }

  public double eps() {
    return cfg.eps();
  }

  @Override
  public Parameter weight() {
    return weight;
  }

  @Override
  public Parameter bias() {
    return bias;
  }

  public Parameter runningMean() {
    return runningMean;
  }

  public Parameter runningVar() {
    return runningVar;
  }

  @Override
  public Tensor forward(Tensor x) {
    boolean train = isTraining();
    if (!train && x.dtype() != weight.get().dtype()) {
      return lowPrecisionEval(x);
    }
    Tensor y =
        train && syncGroup != null && syncGroup.worldSize() > 1
            ? SyncBatchNorm.forward(
                x,
                weight.get(),
                bias.get(),
                runningMean.get(),
                runningVar.get(),
                cfg.momentum(),
                cfg.eps(),
                syncGroup)
            : x.batchNorm(
                runningMean.get(),
                runningVar.get(),
                weight.get(),
                bias.get(),
                train,
                cfg.momentum(),
                cfg.eps());
    if (train) {
      numBatchesTracked.get().addInPlace(1);
      runningMean.markModified();
      runningVar.markModified();
    }
    FlopCounter.record(this, "batch_norm", 2 * x.size());
    return y;
  }

  /**
   * Eval mode on a bfloat16 input: the affine {@code x * s + (beta - mean * s)}, {@code s = gamma /
   * sqrt(var + eps)}, is computed from the float32 statistics and only then cast, as the folded
   * convs are (the statistics themselves would lose precision in bfloat16).
   */
  private Tensor lowPrecisionEval(Tensor x) {
    try (TensorScope scope = TensorScope.open()) {
      int c = x.dim(1);
      Tensor s = weight.get().div(runningVar.get().add(cfg.eps()).sqrt());
      Tensor shift = bias.get().sub(runningMean.get().mul(s));
      Tensor y =
          x.mul(s.toType(x.dtype()).reshape(1, c, 1, 1))
              .add(shift.toType(x.dtype()).reshape(1, c, 1, 1));
      FlopCounter.record(this, "batch_norm", 2 * x.size());
      return scope.handOut(y);
    }
  }
}
