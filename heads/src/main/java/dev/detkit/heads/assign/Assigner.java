package dev.detkit.heads.assign;

/** Assigns priors (anchors) to ground-truth boxes (mmdet's {@code BaseAssigner}). */
public interface Assigner {

  /**
   * Assigns {@code priors} ({@code [N, 4]} rows) to {@code gtBboxes} ({@code [G, 4]}) with labels.
   */
  AssignResult assign(float[] priors, float[] gtBboxes, int[] gtLabels);

  /**
   * As {@link #assign(float[], float[], int[])} for priors that come level after level, {@code
   * numLevelPriors[l]} of them on level l (ATSS picks candidates per level); others ignore levels.
   */
  default AssignResult assign(
      float[] priors, int[] numLevelPriors, float[] gtBboxes, int[] gtLabels) {
    return assign(priors, gtBboxes, gtLabels);
  }
}
