package dev.detkit.api.model;

import dev.detkit.api.tensor.Tensor;
import java.util.List;

/** A feature extractor: NCHW images in, one feature map per output index out. */
public interface Backbone {

  /** Channels and stride of each output, in output order. */
  List<FeatureInfo> featureInfo();

  /** The feature maps of a batch of images, in {@link #featureInfo()} order. */
  List<Tensor> forward(Tensor images);
}
