package dev.detkit.api.nn;

import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;

/**
 * Training-mode batch norm over the batches of all ranks, as {@code torch.nn.SyncBatchNorm}: each
 * rank's count, mean and sum of squared deviations are gathered from every rank and combined
 * (Chan's parallel formula, stable where the mean is large against the spread), the layer
 * normalises with the combined mean and biased variance and updates its running statistics with the
 * combined unbiased variance. The gather is one all-reduce recorded by autograd; its backward sums
 * the gradients of the statistics over the ranks, which carries each rank's {@code sum(dy)} and
 * {@code sum(dy * (x - mean))} to every rank as SyncBatchNorm's backward all-reduce does.
 */
final class SyncBatchNorm {
  private SyncBatchNorm() {}

  static Tensor forward(
      Tensor x,
      Tensor weight,
      Tensor bias,
      Tensor runningMean,
      Tensor runningVar,
      double momentum,
      double eps,
      ProcessGroup group) {
    Backend be = x.backend();
    int c = x.dim(1);
    int world = group.worldSize();
    try (TensorScope scope = TensorScope.open()) {
      Tensor localMean = x.mean(0, 2, 3);
      // Kept for backward in place of x (as batch_norm keeps x): the output is computed from it.
      Tensor centred = x.sub(localMean.reshape(1, c, 1, 1));
      Tensor localM2 = centred.mul(centred).sum(0, 2, 3);
      Tensor counts = be.full((double) (x.size() / c), DType.FLOAT32, c);
      // This rank's (count, mean, m2) in its own row of a zero (world, 3, C) table: the sum of the
      // tables is the all-gather, and its backward hands each rank the gradient of its own row.
      float[] own = new float[world];
      own[group.rank()] = 1;
      Tensor table =
          group.allReduceSumDifferentiable(
              be.stack(0, counts, localMean, localM2)
                  .unsqueeze(0)
                  .mul(be.fromFloats(own, world, 1, 1)));
      Tensor n = table.slice(1, 0, 1);
      Tensor means = table.slice(1, 1, 2);
      Tensor total = n.sum(0);
      Tensor mean = n.mul(means).sum(0).div(total);
      Tensor spread = means.sub(mean);
      Tensor m2 = table.slice(1, 2, 3).add(n.mul(spread.mul(spread))).sum(0);
      Tensor scale = m2.div(total).add(eps).pow(-0.5).mul(weight.reshape(1, c));
      // (x - mean) * scale + bias, written on the rank's centred x.
      Tensor shift = bias.reshape(1, c).add(localMean.reshape(1, c).sub(mean).mul(scale));
      Tensor y = centred.mul(scale.reshape(1, c, 1, 1)).add(shift.reshape(1, c, 1, 1));
      try (GradientScope off = be.noGradients()) {
        runningMean.mulInPlace(1 - momentum).addInPlace(mean.detach().reshape(c).mul(momentum));
        Tensor unbiased = m2.detach().div(total.detach().sub(1)).reshape(c);
        runningVar.mulInPlace(1 - momentum).addInPlace(unbiased.mul(momentum));
      }
      return scope.handOut(y);
    }
  }
}
