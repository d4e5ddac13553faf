package dev.detkit.heads;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.ArrayList;
import java.util.List;

/**
 * mmdet's {@code AnchorGenerator}, computed on the host in float32 exactly as PyTorch evaluates it:
 * base anchors centred at (0, 0) with ratio = h/w, scale-major order ({@code a = ratio * S +
 * scale}), then shifted over the grid in (y, x, a) row order.
 */
@Component(
    kind = ComponentKind.PRIOR_GENERATOR,
    name = "AnchorGenerator",
    summary = "mmdet's anchors: octave scales x ratios (h/w) per stride")
public final class AnchorGenerator implements PriorGenerator {

  /**
   * mmdet's arguments.
   *
   * @param strides stride of the anchors in each feature level, in pixels; one per level
   * @param ratios ratios between the height and width of anchors in a single level (h/w)
   * @param scales anchor scales in a single level, multiplying the base size; give either scales or
   *     octave_base_scale with scales_per_octave
   * @param baseSizes basic size of the anchors in each level, in pixels; null uses the strides
   * @param scaleMajor whether to multiply scales first when generating base anchors (anchor index =
   *     ratio * number of scales + scale); false orders ratios first
   * @param octaveBaseScale base scale of the anchors in an octave (RetinaNet: 4), with
   *     scales_per_octave
   * @param scalesPerOctave number of scales per octave: scales are octave_base_scale * 2^(i /
   *     scales_per_octave)
   * @param centers centre of the anchors relative to the feature grid of each level; only null,
   *     detkit refuses explicit centres
   * @param centerOffset offset of the anchor centre, as a fraction of the base size (0 = top left
   *     corner of the cell, 0.5 = its centre)
   * @param useBoxType return boxes as mmdet box-type objects; detkit has plain boxes only and
   *     ignores this value
   */
  public record Args(
      List<Integer> strides,
      List<Double> ratios,
      @Default("null") List<Double> scales,
      @Default("null") List<Integer> baseSizes,
      @Default("true") boolean scaleMajor,
      @Default("null") Integer octaveBaseScale,
      @Default("null") Integer scalesPerOctave,
      @Default("null") Object centers,
      @Default("0.0") double centerOffset,
      @Default("false") boolean useBoxType) {
    public Args {
      if ((scales == null) == (octaveBaseScale == null || scalesPerOctave == null)) {
        throw new IllegalArgumentException(
            "give either scales or both octave_base_scale and scales_per_octave");
      }
      if (centers != null) {
        throw new IllegalArgumentException("centers are not supported");
      }
      if (baseSizes != null && baseSizes.size() != strides.size()) {
        throw new IllegalArgumentException("base_sizes must have one entry per stride");
      }
    }
  }

  private final Args args;
  private final List<float[]> base = new ArrayList<>();

  public AnchorGenerator(Args args) {
    this.args = args;
    float[] scales;
    if (args.scales() != null) {
      scales = new float[args.scales().size()];
      for (int i = 0; i < scales.length; i++) {
        scales[i] = args.scales().get(i).floatValue();
      }
    } else {
      int n = args.scalesPerOctave();
      scales = new float[n];
      for (int i = 0; i < n; i++) {
        // np.array([2**(i/n)]) * octave_base_scale in float64, then torch.Tensor -> float32.
        scales[i] = (float) (Math.pow(2, (double) i / n) * args.octaveBaseScale());
      }
    }
    for (int l = 0; l < args.strides().size(); l++) {
      int size = args.baseSizes() == null ? args.strides().get(l) : args.baseSizes().get(l);
      base.add(baseAnchors(size, scales));
    }
  }

  private float[] baseAnchors(int size, float[] scales) {
    List<Double> ratios = args.ratios();
    int nr = ratios.size();
    int ns = scales.length;
    float center = (float) (args.centerOffset() * size);
    float[] out = new float[nr * ns * 4];
    for (int r = 0; r < nr; r++) {
      float hRatio = (float) Math.sqrt(ratios.get(r).floatValue());
      float wRatio = 1f / hRatio;
      for (int s = 0; s < ns; s++) {
        int a = args.scaleMajor() ? r * ns + s : s * nr + r;
        float w = size * wRatio * scales[s];
        float h = size * hRatio * scales[s];
        out[4 * a] = center - 0.5f * w;
        out[4 * a + 1] = center - 0.5f * h;
        out[4 * a + 2] = center + 0.5f * w;
        out[4 * a + 3] = center + 0.5f * h;
      }
    }
    return out;
  }

  @Override
  public int numLevels() {
    return base.size();
  }

  /** Anchors per location. */
  public int numBaseAnchors() {
    return base.get(0).length / 4;
  }

  @Override
  public int numBasePriors() {
    return numBaseAnchors();
  }

  @Override
  public int priorSize() {
    return 4;
  }

  @Override
  public int stride(int level) {
    return args.strides().get(level);
  }

  /** The level's base anchors, {@code [A * 4]}. */
  public float[] baseAnchors(int level) {
    return base.get(level).clone();
  }

  /**
   * All anchors of a level for an {@code h x w} feature map, {@code [(y * w + x) * A + a]} rows.
   */
  @Override
  public float[] gridPriors(int level, int h, int w) {
    float[] b = base.get(level);
    int na = b.length / 4;
    float stride = stride(level);
    float[] out = new float[h * w * na * 4];
    int o = 0;
    for (int y = 0; y < h; y++) {
      float sy = y * stride;
      for (int x = 0; x < w; x++) {
        float sx = x * stride;
        for (int a = 0; a < na; a++) {
          out[o++] = b[4 * a] + sx;
          out[o++] = b[4 * a + 1] + sy;
          out[o++] = b[4 * a + 2] + sx;
          out[o++] = b[4 * a + 3] + sy;
        }
      }
    }
    return out;
  }

  /** Anchors whose cell lies inside {@code ceil(pad / stride)} (mmdet's valid_flags). */
  @Override
  public boolean[] validFlags(int level, int h, int w, int padH, int padW) {
    int s = stride(level);
    int validH = Math.min((padH + s - 1) / s, h);
    int validW = Math.min((padW + s - 1) / s, w);
    int na = numBaseAnchors();
    boolean[] out = new boolean[h * w * na];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean v = y < validH && x < validW;
        for (int a = 0; a < na; a++) {
          out[(y * w + x) * na + a] = v;
        }
      }
    }
    return out;
  }
}
