package dev.detkit.onnxruntime;

import dev.detkit.api.model.Detector;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.detectors.DetDataPreprocessor;
import dev.detkit.detectors.SingleStageDetector;
import java.util.List;

/**
 * A detector whose network runs in ONNX Runtime: detkit's data preprocessor and the head's own
 * post-processing (priors, decoding, NMS) on the host backend around an {@link OrtNetwork}, so its
 * detections are those of the same model on any other backend.
 */
public final class OrtDetector implements Detector, AutoCloseable {
  private final SingleStageDetector host;
  private final Backend backend;
  private final OrtNetwork network;

  /**
   * @param host the detector built on {@code backend}; only its preprocessor and head's
   *     post-processing run (its weights are not used)
   */
  public OrtDetector(SingleStageDetector host, Backend backend, OrtNetwork network) {
    this.host = host;
    this.backend = backend;
    this.network = network;
  }

  public SingleStageDetector host() {
    return host;
  }

  public OrtNetwork network() {
    return network;
  }

  @Override
  public List<Detections> predict(List<DetSample> samples) {
    try (TensorScope scope = TensorScope.open()) {
      DetDataPreprocessor.Batch batch = host.preprocessor().apply(samples, backend);
      return host.head().predictByFeat(network.forward(batch.inputs()), batch.metas());
    }
  }

  @Override
  public void close() {
    network.close();
    host.close();
  }
}
