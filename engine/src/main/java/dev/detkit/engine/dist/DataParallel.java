package dev.detkit.engine.dist;

import dev.detkit.api.distributed.ProcessGroup;
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
 * broadcasts off), and after each backward the gradients are summed over the ranks in one flat,
 * coalesced all-reduce and divided by the world size. Not bucketed or overlapped with backward: the
 * all-reduce starts when backward has finished.
 */
public final class DataParallel {
  private final ProcessGroup group;
  private long lastAllReduceNanos;

  public DataParallel(ProcessGroup group) {
    this.group = group;
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

  /** Averages the gradients of {@code params} over the ranks, in place. */
  public void averageGradients(List<Parameter> params) {
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

  /** Wall time of the last {@link #averageGradients} (all-reduce and division), in seconds. */
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
