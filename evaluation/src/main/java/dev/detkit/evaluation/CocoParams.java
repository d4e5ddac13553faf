package dev.detkit.evaluation;

import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a COCO bbox evaluation, as pycocotools' {@code Params} for {@code
 * iouType='bbox'}: IoU thresholds ({@code np.linspace(.5, .95, 10)} in float64, so element 8 is
 * 0.8999999999999999), 101 recall thresholds, {@code maxDets}, the area ranges and their labels,
 * {@code useCats}, and optionally a subset of image and category ids (by default every image and
 * category of the ground truth, in ascending id order). Immutable: the {@code with...} methods
 * return changed copies.
 *
 * <p>{@code maxDets} are kept sorted, as {@code COCOeval.evaluate} sorts them; {@link
 * CocoEvaluation#summarize()} reads {@code maxDets[0..2]} and so needs at least three.
 */
public final class CocoParams {
  /** pycocotools' default {@code maxDets}. */
  public static final List<Integer> DEFAULT_MAX_DETS = List.of(1, 10, 100);

  /** mmdet CocoMetric's {@code proposal_nums}, which it sets as {@code maxDets}. */
  public static final List<Integer> MMDET_MAX_DETS = List.of(100, 300, 1000);

  private final double[] iouThrs;
  private final double[] recThrs;
  private final int[] maxDets;
  private final double[][] areaRng;
  private final String[] areaRngLbl;
  private final boolean useCats;
  private final long[] imgIds;
  private final long[] catIds;

  private CocoParams(
      double[] iouThrs,
      double[] recThrs,
      int[] maxDets,
      double[][] areaRng,
      String[] areaRngLbl,
      boolean useCats,
      long[] imgIds,
      long[] catIds) {
    if (iouThrs.length == 0 || recThrs.length == 0 || maxDets.length == 0) {
      throw new IllegalArgumentException("iouThrs, recThrs and maxDets must not be empty");
    }
    for (double t : iouThrs) {
      if (!Double.isFinite(t)) {
        throw new IllegalArgumentException("iouThrs must be finite: " + Arrays.toString(iouThrs));
      }
    }
    for (double r : recThrs) {
      if (!Double.isFinite(r)) {
        throw new IllegalArgumentException("recThrs must be finite: " + Arrays.toString(recThrs));
      }
    }
    for (int m : maxDets) {
      if (m <= 0) {
        throw new IllegalArgumentException("maxDets must be > 0: " + Arrays.toString(maxDets));
      }
    }
    if (areaRng.length == 0 || areaRng.length != areaRngLbl.length) {
      throw new IllegalArgumentException(
          "areaRng and areaRngLbl must be non-empty and of equal length");
    }
    for (double[] a : areaRng) {
      if (a.length != 2 || Double.isNaN(a[0]) || Double.isNaN(a[1])) {
        throw new IllegalArgumentException("each areaRng entry must be [lo, hi]");
      }
    }
    this.iouThrs = iouThrs;
    this.recThrs = recThrs;
    this.maxDets = maxDets;
    this.areaRng = areaRng;
    this.areaRngLbl = areaRngLbl;
    this.useCats = useCats;
    this.imgIds = imgIds;
    this.catIds = catIds;
  }

  /** pycocotools' defaults for bbox: maxDets [1, 10, 100]. */
  public static CocoParams defaults() {
    return new CocoParams(
        NumpyMath.linspace(0.5, 0.95, (int) Math.round((0.95 - 0.5) / 0.05) + 1),
        NumpyMath.linspace(0.0, 1.00, (int) Math.round((1.00 - 0.0) / 0.01) + 1),
        new int[] {1, 10, 100},
        new double[][] {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}},
        new String[] {"all", "small", "medium", "large"},
        true,
        null,
        null);
  }

  /** mmdet CocoMetric's bbox settings: the defaults with maxDets [100, 300, 1000]. */
  public static CocoParams mmdet() {
    return defaults().withMaxDets(100, 300, 1000);
  }

  /** {@code np.linspace(start, stop, num)} in float64, bit for bit. */
  public static double[] linspace(double start, double stop, int num) {
    return NumpyMath.linspace(start, stop, num);
  }

  public double[] iouThrs() {
    return iouThrs.clone();
  }

  public double[] recThrs() {
    return recThrs.clone();
  }

  /** maxDets in ascending order. */
  public int[] maxDets() {
    return maxDets.clone();
  }

  public double[][] areaRng() {
    double[][] copy = new double[areaRng.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = areaRng[i].clone();
    }
    return copy;
  }

  public List<String> areaRngLbl() {
    return List.of(areaRngLbl);
  }

  public boolean useCats() {
    return useCats;
  }

  /** The image ids to evaluate, or null for all images of the ground truth. */
  public long[] imgIds() {
    return imgIds == null ? null : imgIds.clone();
  }

  /** The category ids to evaluate, or null for all categories of the ground truth. */
  public long[] catIds() {
    return catIds == null ? null : catIds.clone();
  }

  int iouCount() {
    return iouThrs.length;
  }

  double iouThr(int t) {
    return iouThrs[t];
  }

  int recallCount() {
    return recThrs.length;
  }

  double recThr(int r) {
    return recThrs[r];
  }

  int maxDetCount() {
    return maxDets.length;
  }

  int maxDet(int m) {
    return maxDets[m];
  }

  int areaCount() {
    return areaRng.length;
  }

  double areaLo(int a) {
    return areaRng[a][0];
  }

  double areaHi(int a) {
    return areaRng[a][1];
  }

  String areaLabel(int a) {
    return areaRngLbl[a];
  }

  /** A copy with other IoU thresholds (e.g. {@code linspace(0.5, 0.95, 10)}). */
  public CocoParams withIouThrs(double... thresholds) {
    return new CocoParams(
        thresholds.clone(), recThrs, maxDets, areaRng, areaRngLbl, useCats, imgIds, catIds);
  }

  /** A copy with other recall thresholds. */
  public CocoParams withRecThrs(double... thresholds) {
    return new CocoParams(
        iouThrs, thresholds.clone(), maxDets, areaRng, areaRngLbl, useCats, imgIds, catIds);
  }

  /** A copy with other maxDets (sorted ascending, as pycocotools does). */
  public CocoParams withMaxDets(int... maxDets) {
    int[] sorted = maxDets.clone();
    Arrays.sort(sorted);
    return new CocoParams(iouThrs, recThrs, sorted, areaRng, areaRngLbl, useCats, imgIds, catIds);
  }

  /** A copy with other area ranges ({@code [lo, hi]}, both inclusive) and their labels. */
  public CocoParams withAreaRanges(double[][] ranges, String... labels) {
    double[][] copy = new double[ranges.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = ranges[i].clone();
    }
    return new CocoParams(iouThrs, recThrs, maxDets, copy, labels.clone(), useCats, imgIds, catIds);
  }

  /**
   * A copy with {@code useCats} set; false pools all categories per image, as mmdet's {@code
   * metric='proposal'}.
   */
  public CocoParams withUseCats(boolean useCats) {
    return new CocoParams(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, useCats, imgIds, catIds);
  }

  /** A copy evaluating only these images (sorted and deduplicated, as {@code np.unique}). */
  public CocoParams withImgIds(long... ids) {
    return new CocoParams(
        iouThrs,
        recThrs,
        maxDets,
        areaRng,
        areaRngLbl,
        useCats,
        Arrays.stream(ids).sorted().distinct().toArray(),
        catIds);
  }

  /** A copy evaluating only these categories (sorted and deduplicated, as {@code np.unique}). */
  public CocoParams withCatIds(long... ids) {
    return new CocoParams(
        iouThrs,
        recThrs,
        maxDets,
        areaRng,
        areaRngLbl,
        useCats,
        imgIds,
        Arrays.stream(ids).sorted().distinct().toArray());
  }

  @Override
  public String toString() {
    return "CocoParams{iouThrs="
        + Arrays.toString(iouThrs)
        + ", recThrs="
        + recThrs.length
        + " values, maxDets="
        + Arrays.toString(maxDets)
        + ", areaRng="
        + Arrays.deepToString(areaRng)
        + ", areaRngLbl="
        + Arrays.toString(areaRngLbl)
        + ", useCats="
        + useCats
        + (imgIds == null ? "" : ", imgIds=" + imgIds.length + " ids")
        + (catIds == null ? "" : ", catIds=" + Arrays.toString(catIds))
        + "}";
  }
}
