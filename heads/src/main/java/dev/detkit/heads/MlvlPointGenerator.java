package dev.detkit.heads;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.List;

/**
 * mmdet's {@code MlvlPointGenerator}: one point per cell at {@code ((x + offset) * s, (y + offset)
 * * s)} in float32 (FCOS uses offset 0.5, the cell centre).
 */
@Component(
    kind = ComponentKind.PRIOR_GENERATOR,
    name = "MlvlPointGenerator",
    summary = "mmdet's points: one per cell at (x + offset, y + offset) * stride")
public final class MlvlPointGenerator implements PriorGenerator {

  /**
   * mmdet's arguments.
   *
   * @param strides stride of the points in each feature level, in pixels; positive, one per level
   * @param offset offset of the points, as a fraction of the stride (0.5 = cell centre)
   */
  public record Args(List<Integer> strides, @Default("0.5") double offset) {
    public Args {
      if (strides.isEmpty() || strides.stream().anyMatch(s -> s < 1)) {
        throw new IllegalArgumentException("strides must be positive integers");
      }
    }
  }

  private final Args args;

  public MlvlPointGenerator(Args args) {
    this.args = args;
  }

  @Override
  public int numLevels() {
    return args.strides().size();
  }

  @Override
  public int numBasePriors() {
    return 1;
  }

  @Override
  public int priorSize() {
    return 2;
  }

  @Override
  public int stride(int level) {
    return args.strides().get(level);
  }

  @Override
  public float[] gridPriors(int level, int h, int w) {
    float s = stride(level);
    float off = (float) args.offset();
    float[] out = new float[h * w * 2];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[2 * (y * w + x)] = ((float) x + off) * s;
        out[2 * (y * w + x) + 1] = ((float) y + off) * s;
      }
    }
    return out;
  }

  @Override
  public boolean[] validFlags(int level, int h, int w, int padH, int padW) {
    int s = stride(level);
    int validH = Math.min((padH + s - 1) / s, h);
    int validW = Math.min((padW + s - 1) / s, w);
    boolean[] out = new boolean[h * w];
    for (int y = 0; y < validH; y++) {
      for (int x = 0; x < validW; x++) {
        out[y * w + x] = true;
      }
    }
    return out;
  }
}
