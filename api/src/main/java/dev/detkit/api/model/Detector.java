package dev.detkit.api.model;

import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import java.util.List;

/** A detector: packed samples in (any sizes), detections per image out, in original pixels. */
public interface Detector {

  /**
   * Preprocesses the batch, runs the network and post-processes, rescaled to each original image.
   */
  List<Detections> predict(List<DetSample> samples);
}
