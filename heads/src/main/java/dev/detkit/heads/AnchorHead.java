package dev.detkit.heads;

import dev.detkit.api.nn.Module;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Shared part of anchor-based dense heads (mmdet's {@code AnchorHead}): per-level class logits and
 * box deltas from {@link #forward}, anchors from the prior generator, and test-time
 * post-processing.
 */
public abstract class AnchorHead extends Module {
  protected final int numClasses;
  protected final AnchorGenerator anchors;
  protected final DeltaXYWHBBoxCoder coder;
  protected final TestCfg testCfg;

  protected AnchorHead(
      int numClasses, AnchorGenerator anchors, DeltaXYWHBBoxCoder coder, TestCfg testCfg) {
    this.numClasses = numClasses;
    this.anchors = anchors;
    this.coder = coder;
    this.testCfg = testCfg;
  }

  /** Class logits and box deltas of each level. */
  public record Outputs(List<Tensor> clsScores, List<Tensor> bboxPreds) {}

  /** Runs the head on the neck's levels. */
  public abstract Outputs forward(List<Tensor> feats);

  public int numClasses() {
    return numClasses;
  }

  public AnchorGenerator anchorGenerator() {
    return anchors;
  }

  public DeltaXYWHBBoxCoder bboxCoder() {
    return coder;
  }

  public TestCfg testCfg() {
    return testCfg;
  }

  /** Anchors of every level for these outputs. */
  public List<float[]> priors(Outputs out) {
    List<float[]> priors = new ArrayList<>();
    for (int l = 0; l < out.clsScores().size(); l++) {
      Tensor c = out.clsScores().get(l);
      priors.add(anchors.gridPriors(l, c.dim(2), c.dim(3)));
    }
    return priors;
  }

  /** Detections per image, rescaled to each original image. */
  public List<Detections> predict(Outputs out, List<ImageMeta> metas) {
    if (testCfg == null) {
      throw new IllegalStateException("the head has no test_cfg");
    }
    List<float[]> priors = priors(out);
    DensePostProcessor post = new DensePostProcessor(coder, testCfg);
    List<Detections> result = new ArrayList<>();
    for (int i = 0; i < metas.size(); i++) {
      List<Tensor> cls = new ArrayList<>();
      List<Tensor> reg = new ArrayList<>();
      for (int l = 0; l < out.clsScores().size(); l++) {
        cls.add(out.clsScores().get(l).slice(0, i, i + 1).squeeze(0));
        reg.add(out.bboxPreds().get(l).slice(0, i, i + 1).squeeze(0));
      }
      result.add(post.predict(cls, reg, priors, numClasses, metas.get(i)));
    }
    return result;
  }
}
