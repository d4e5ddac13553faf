package dev.detkit.engine.dist;

import dev.detkit.api.distributed.GradientBuckets;
import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.nn.BatchNorm2d;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mmengine's {@code MMDistributedDataParallel} on a {@link ProcessGroup}: at start every rank takes
 * rank 0's parameters and buffers (DDP's initial state sync; mmengine turns per-step buffer
 * broadcasts off), and the gradients are averaged over the ranks before the optimizer sees them: by
 * c10d's Reducer where the group has one (DDP's buckets of 25 MiB, the first 1 MiB, in reverse
 * parameter order, each all-reduced during backward as soon as its gradients are ready), else (or
 * with {@code flat}: {@code RuntimeOptions.allReduce()}, {@code -Ddetkit.ddp.allreduce=flat}) in
 * one flat, coalesced all-reduce after backward.
 */
public final class DataParallel {
  static final long FIRST_BUCKET_BYTES = 1L << 20;
  static final long BUCKET_BYTES = 25L << 20;
  private final ProcessGroup group;
  private final boolean flat;
  private GradientBuckets buckets;
  private long lastAllReduceNanos;

  /** {@code flat}: one coalesced all-reduce after backward even where the group has a Reducer. */
  public DataParallel(ProcessGroup group, boolean flat) {
    this.group = group;
    this.flat = flat;
  }

  public ProcessGroup group() {
    return group;
  }

  public boolean isMain() {
    return group.rank() == 0;
  }

  /** Copies rank 0's parameters and buffers (the whole state dict) to every rank. */
  public void syncState(Module model) {
    group.broadcast(new ArrayList<>(model.stateDict().values()), 0);
  }

  /**
   * torch's {@code convert_sync_batchnorm}: every {@code SyncBN} layer of {@code model} takes its
   * training statistics over all ranks through this group. Returns how many layers do.
   */
  private int synchronizeBatchNorms(Module model) {
    int n = 0;
    for (Module m : model.namedModules().values()) {
      if (m instanceof BatchNorm2d bn && bn.type().equals("SyncBN")) {
        bn.synchronizeAcross(group);
        n++;
      }
    }
    return n;
  }

  /**
   * Wires the model to the group (torch's {@code convert_sync_batchnorm} and DDP's reducer): every
   * {@code SyncBN} layer takes its training statistics over all ranks, and the gradients of {@code
   * params} (those the optimizer steps) are averaged in buckets during backward where the group has
   * a reducer. Returns one line that says what was set up.
   */
  public String attach(Module model, List<Parameter> params) {
    int syncBn = synchronizeBatchNorms(model);
    if (!flat) {
      buckets =
          group.gradientBuckets(
              params.stream().map(Parameter::get).toList(), FIRST_BUCKET_BYTES, BUCKET_BYTES);
    }
    return String.format(
        "data parallel: %d ranks; gradients averaged %s; %d SyncBN layers synchronised",
        group.worldSize(),
        buckets != null
            ? "in " + buckets.bucketCount() + " buckets during backward (c10d Reducer)"
            : "after backward in one flat all-reduce",
        syncBn);
  }

  /** Before each step's forward: arms the bucketed reducer. */
  public void beforeStep() {
    if (buckets != null) {
      buckets.prepareForBackward();
    }
  }

  /** Whether gradients are averaged by buckets during backward (not after it). */
  public boolean bucketed() {
    return buckets != null;
  }

  /** {@code e}, thrown by backward, as the collective failure it stands for, if it is one. */
  public RuntimeException backwardFailure(RuntimeException e) {
    return group.collectiveFailure(e);
  }

  /**
   * After backward: averages the gradients of {@code params} over the ranks, in place (nothing left
   * to do where the buckets did it during backward).
   */
  public void averageGradients(List<Parameter> params) {
    if (buckets != null) {
      return;
    }
    long t0 = System.nanoTime();
    try (TensorScope scope = TensorScope.open()) {
      List<Tensor> grads = new ArrayList<>();
      for (Parameter p : params) {
        Tensor g = p.get().grad();
        // Every rank has the same parameters with gradients (same model, same loss terms).
        if (g != null) {
          grads.add(g);
        }
      }
      group.allReduceSum(grads);
      for (Tensor g : grads) {
        g.mulInPlace(1.0 / group.worldSize());
      }
    }
    lastAllReduceNanos = System.nanoTime() - t0;
  }

  /** Leaves the reducer (the group is closed by its owner). */
  public void close() {
    if (buckets != null) {
      buckets.close();
      buckets = null;
    }
  }

  /** Wall time of the last flat {@link #averageGradients} (all-reduce and division), in seconds. */
  public double lastAllReduceSeconds() {
    return lastAllReduceNanos / 1e9;
  }

  /** The mean over ranks of each logged value (mmengine logs the ranks' mean losses). */
  public Map<String, Double> meanOverRanks(Map<String, Double> values, Backend backend) {
    float[] v = new float[values.size()];
    int n = 0;
    for (double d : values.values()) {
      v[n++] = (float) d;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    try (TensorScope scope = TensorScope.open()) {
      Tensor t = backend.fromFloats(v, v.length);
      group.allReduceSum(List.of(t));
      float[] sums = t.toFloatArray();
      int i = 0;
      for (String k : values.keySet()) {
        out.put(k, (double) sums[i++] / group.worldSize());
      }
    }
    return out;
  }
}
