package dev.detkit.heads;

import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Tensor;
import java.util.List;

/**
 * The contract of a single-stage detector's head (mmdet's {@code BaseDenseHead}): forward to named
 * per-level maps, losses against ground truth, detections per image. A detector, the engine and the
 * tools need nothing else of a head.
 */
public interface DenseHead {

  /** Runs the head on the neck's levels. */
  HeadOutputs forward(List<Tensor> feats);

  /** mmdet's {@code loss_by_feat}: the losses of these outputs against each image's gts. */
  HeadLosses lossByFeat(HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas);

  /** mmdet's {@code predict_by_feat(rescale=True)}: detections in each original image's pixels. */
  List<Detections> predictByFeat(HeadOutputs out, List<ImageMeta> metas);

  /** Number of foreground classes. */
  int numClasses();

  /** The head's prior generator (anchors or points). */
  PriorGenerator priorGenerator();

  /** mmdet's {@code loss}: forward then {@link #lossByFeat}. */
  default HeadLosses loss(List<Tensor> feats, List<GtInstances> gts, List<ImageMeta> metas) {
    return lossByFeat(forward(feats), gts, metas);
  }

  /** mmdet's {@code predict}: forward then {@link #predictByFeat}. */
  default List<Detections> predict(List<Tensor> feats, List<ImageMeta> metas) {
    return predictByFeat(forward(feats), metas);
  }

  /**
   * Maps a checkpoint key of this head (without the detector's {@code bbox_head.} prefix) to its
   * current name, as mmdet's {@code _load_from_state_dict} renames old keys; identity by default.
   */
  default String renameLegacyKey(String key) {
    return key;
  }
}
