package dev.detkit.data;

/** One step of a data pipeline (mmcv's {@code BaseTransform}). */
public interface Transform {
  /** Transforms {@code r} (in place or by returning a new state). */
  Results apply(Results r);
}
