package dev.detkit.heads;

import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.heads.assign.AssignResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared part of anchor-based dense heads (mmdet's {@code AnchorHead}): per-level class logits and
 * box deltas from {@link #forward}, anchors from the prior generator, the training loss against
 * ground truth ({@link #loss}) and test-time post-processing.
 */
public abstract class AnchorHead extends Module implements DenseHead {

  /** The config's anchor generator, checked against the input levels' strides and channels. */
  public static PriorGenerator anchors(AnchorHeadParts a, BuildContext ctx) {
    PriorGenerator g = ctx.build(a.anchorGenerator(), PriorGenerator.class);
    HeadInputs.check(
        java.util.stream.IntStream.range(0, g.numLevels()).mapToObj(g::stride).toList(),
        a.inChannels(),
        ctx.inputs());
    if (a.numIns() != null && ctx.inputs() != null && a.numIns() != ctx.inputs().size()) {
      throw new IllegalArgumentException(
          "num_ins " + a.numIns() + " differs from the " + ctx.inputs().size() + " input levels");
    }
    return g;
  }

  /** The config's box coder. */
  public static BBoxCoder coder(AnchorHeadParts a, BuildContext ctx) {
    return ctx.build(a.bboxCoder(), BBoxCoder.class);
  }

  protected final int numClasses;
  protected final PriorGenerator anchors;
  protected final BBoxCoder coder;
  protected final TestCfg testCfg;
  private final HeadTraining training;

  protected AnchorHead(
      int numClasses,
      PriorGenerator anchors,
      BBoxCoder coder,
      TestCfg testCfg,
      HeadTraining training) {
    if (anchors.priorSize() != 4) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + " needs an anchor generator (boxes), not points");
    }
    this.numClasses = numClasses;
    this.anchors = anchors;
    this.coder = coder;
    this.testCfg = testCfg;
    this.training = training;
  }

  /**
   * Targets of one image over all levels' anchors concatenated: labels ({@code num_classes} =
   * background), label weights, box-delta targets and weights ({@code [N, 4]} rows), the
   * assignment, and the image's share of {@code avg_factor}.
   */
  public record ImageTargets(
      int[] labels,
      float[] labelWeights,
      float[] bboxTargets,
      float[] bboxWeights,
      AssignResult assign,
      int avgFactor) {}

  private HeadTraining requireTraining() {
    return HeadTraining.required(training);
  }

  /** Targets of each image (mmdet's {@code get_targets}, without the split into levels). */
  public List<ImageTargets> targets(HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas) {
    AnchorTargets targets = new AnchorTargets(numClasses, coder, requireTraining(), false);
    return targets.batch(anchors, featSizes(out), gts, metas, out.clsScores().get(0).backend());
  }

  /** (H, W) of every level's maps. */
  static List<int[]> featSizes(HeadOutputs out) {
    List<int[]> sizes = new ArrayList<>();
    for (Tensor c : out.clsScores()) {
      sizes.add(new int[] {c.dim(2), c.dim(3)});
    }
    return sizes;
  }

  /**
   * mmdet's {@code loss_by_feat}: targets per image, split into levels, then the classification and
   * regression losses of each level, all normalised by the batch's number of positives.
   */
  @Override
  public HeadLosses lossByFeat(HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas) {
    HeadTraining t = requireTraining();
    List<ImageTargets> targets = targets(out, gts, metas);
    double avgFactor = targets.stream().mapToInt(ImageTargets::avgFactor).sum();
    Backend b = out.clsScores().get(0).backend();
    List<Tensor> lossCls = new ArrayList<>();
    List<Tensor> lossBbox = new ArrayList<>();
    int start = 0;
    int na = anchors.numBasePriors();
    for (int l = 0; l < out.clsScores().size(); l++) {
      Tensor cls = out.clsScores().get(l);
      Tensor reg = out.bboxPreds().get(l);
      int nb = cls.dim(0);
      int hw = cls.dim(2) * cls.dim(3);
      LevelTargets lt = LevelTargets.of(targets, start, na, hw);
      start += hw * na;
      try (TensorScope scope = TensorScope.open()) {
        // The network's own layout, [B * A, C, H * W], with the targets rearranged to match.
        Tensor logits = cls.reshape(nb * na, numClasses, hw);
        Tensor deltas = reg.reshape(nb, na, 4, hw);
        lossCls.add(
            scope.handOut(
                t.lossCls()
                    .forward(
                        logits,
                        b.fromLongs(lt.labels(), nb * na, hw),
                        b.fromFloats(lt.labelWeights(), nb * na, hw),
                        avgFactor)));
        lossBbox.add(
            scope.handOut(
                t.lossBbox()
                    .forward(
                        deltas,
                        b.fromFloats(lt.bboxTargets(), nb, na, 4, hw),
                        b.fromFloats(lt.bboxWeights(), nb, na, 4, hw),
                        bboxAvgFactor(avgFactor))));
      }
    }
    Map<String, List<Tensor>> terms = new LinkedHashMap<>();
    terms.put("loss_cls", lossCls);
    terms.put("loss_bbox", lossBbox);
    return new HeadLosses(terms);
  }

  /**
   * The {@code avg_factor} the box loss is divided by: the classification loss's (mmdet's
   * AnchorHead); EfficientDet's head divides by four times it.
   */
  protected double bboxAvgFactor(double avgFactor) {
    return avgFactor;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public PriorGenerator priorGenerator() {
    return anchors;
  }

  public BBoxCoder bboxCoder() {
    return coder;
  }

  public TestCfg testCfg() {
    return testCfg;
  }

  /** Anchors of every level for these outputs. */
  public List<float[]> priors(HeadOutputs out) {
    return anchors.gridPriors(out);
  }

  /** Detections per image, rescaled to each original image. */
  @Override
  public List<Detections> predictByFeat(HeadOutputs out, List<ImageMeta> metas) {
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
      result.add(post.predict(cls, reg, null, priors, numClasses, metas.get(i)));
    }
    return result;
  }
}
