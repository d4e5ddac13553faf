package dev.detkit.heads.assign;

/**
 * Positive and negative prior indices of one image, the gt each positive matches (0-based), and the
 * loss normaliser mmdet 3.x derives from them ({@code avg_factor}).
 */
public record SamplingResult(
    int[] posInds, int[] negInds, int[] posAssignedGtInds, int avgFactor) {}
