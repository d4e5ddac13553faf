package dev.detkit.heads.assign;

/** Assigns priors (anchors) to ground-truth boxes (mmdet's {@code BaseAssigner}). */
public interface Assigner {

  /**
   * Assigns {@code priors} ({@code [N, 4]} rows) to {@code gtBboxes} ({@code [G, 4]}) with labels.
   */
  AssignResult assign(float[] priors, float[] gtBboxes, int[] gtLabels);
}
