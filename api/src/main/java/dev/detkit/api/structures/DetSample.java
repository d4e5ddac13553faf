package dev.detkit.api.structures;

/**
 * One image leaving the data pipeline ({@code PackDetInputs}): pixels, their meta and, when the
 * pipeline loaded annotations, the ground truth (null otherwise).
 */
public record DetSample(ImageData image, ImageMeta meta, GtInstances gt) {

  /** A sample without ground truth (inference). */
  public DetSample(ImageData image, ImageMeta meta) {
    this(image, meta, null);
  }
}
