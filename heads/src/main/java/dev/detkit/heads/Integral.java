package dev.detkit.heads;

import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code Integral} (GFL): softmax over the {@code reg_max + 1} bins of each side, then the
 * expected bin, {@code sum_i p_i * project_i} with the buffer {@code project} = 0..reg_max.
 */
public final class Integral extends Module {
  private final int regMax;
  private final Parameter project;

  public Integral(Backend b, int regMax) {
    this.regMax = regMax;
    float[] p = new float[regMax + 1];
    for (int i = 0; i <= regMax; i++) {
      p[i] = i;
    }
    project = buffer("project", b.fromFloats(p, regMax + 1));
  }

  /** {@code [N, 4 * (reg_max + 1)]} logits to {@code [N, 4]} distances (bin units). */
  public Tensor forward(Tensor x) {
    Tensor rows = x.reshape(-1, regMax + 1);
    Tensor shifted = rows.sub(rows.detach().max(1).reshape(-1, 1)).exp();
    Tensor softmax = shifted.div(shifted.sum(1).reshape(-1, 1));
    return softmax.mul(project.get().reshape(1, regMax + 1)).sum(1).reshape(-1, 4);
  }
}
