package dev.detkit.heads.assign;

/**
 * mmdet's {@code AssignResult}: per prior, {@code gtInds} (-1 ignored, 0 negative, k > 0 assigned
 * to gt k-1), the best IoU and the assigned label (-1 for non-positives).
 */
public record AssignResult(int numGts, int[] gtInds, float[] maxOverlaps, int[] labels) {

  public int numPriors() {
    return gtInds.length;
  }
}
