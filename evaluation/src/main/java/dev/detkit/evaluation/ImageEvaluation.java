package dev.detkit.evaluation;

/**
 * One entry of pycocotools' {@code evalImgs}: the matching of one (image, category) pair at one
 * area range, for the largest maxDet. Matrices indexed [t][d] or [t][g] are stored row-major.
 *
 * @param imageId the image id
 * @param categoryId the category id (-1 when categories are pooled, useCats=0)
 * @param areaLabel the area range's label ("all", "small", ...)
 * @param maxDet the largest maxDet (detections beyond it were cut)
 * @param dtIds detection ids (position in the result file + 1), in descending score order
 * @param gtIds gt annotation ids, non-ignored first
 * @param dtMatches [T][D] id of the matched gt, or 0
 * @param gtMatches [T][G] id of the matched detection, or 0
 * @param dtScores detection scores, in the order of {@code dtIds}
 * @param gtIgnore per gt (order of {@code gtIds}): crowd or area outside the range
 * @param dtIgnore [T][D] whether the detection is ignored at that threshold
 */
public record ImageEvaluation(
    long imageId,
    long categoryId,
    String areaLabel,
    int maxDet,
    long[] dtIds,
    long[] gtIds,
    long[] dtMatches,
    long[] gtMatches,
    double[] dtScores,
    boolean[] gtIgnore,
    boolean[] dtIgnore) {

  /** Number of detections D. */
  public int dtCount() {
    return dtIds.length;
  }

  /** Number of gts G. */
  public int gtCount() {
    return gtIds.length;
  }

  /** The gt matched by detection d at IoU threshold index t, or 0. */
  public long dtMatch(int t, int d) {
    return dtMatches[t * dtIds.length + d];
  }

  /** The detection matched to gt g at IoU threshold index t, or 0. */
  public long gtMatch(int t, int g) {
    return gtMatches[t * gtIds.length + g];
  }

  /** Whether detection d is ignored at IoU threshold index t. */
  public boolean dtIgnored(int t, int d) {
    return dtIgnore[t * dtIds.length + d];
  }
}
