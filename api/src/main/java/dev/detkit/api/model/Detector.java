package dev.detkit.api.model;

import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.tensor.DType;
import java.util.List;

/** A detector: packed samples in (any sizes), detections per image out, in original pixels. */
public interface Detector {

  /**
   * Preprocesses the batch, runs the network and post-processes, rescaled to each original image.
   */
  List<Detections> predict(List<DetSample> samples);

  /**
   * The element type inference computes in: FLOAT32 (the default) or BFLOAT16 (convolutions and
   * matmuls in bfloat16 with float32 accumulation, batch norms folded in float32 before the cast,
   * decoding and NMS in float32). Detectors that cannot refuse anything but FLOAT32.
   *
   * @throws UnsupportedOperationException for a dtype this detector cannot compute in
   */
  default void setComputeDType(DType dtype) {
    if (dtype != DType.FLOAT32) {
      throw new UnsupportedOperationException(
          getClass().getSimpleName() + " computes in float32 only, not " + dtype);
    }
  }
}
