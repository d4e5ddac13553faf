package dev.detkit.api.model;

import dev.detkit.api.tensor.Tensor;
import java.util.List;

/** Multi-scale features in, multi-scale features out (FPN and friends). */
public interface Neck {

  /** Channels and stride of each output level. */
  List<FeatureInfo> featureInfo();

  /** The output feature maps, in level order. */
  List<Tensor> forward(List<Tensor> inputs);
}
