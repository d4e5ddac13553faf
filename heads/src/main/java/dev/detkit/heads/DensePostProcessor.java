package dev.detkit.heads;

import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-time post-processing of an anchor-based head for one image, as mmdet 3.x's {@code
 * _predict_by_feat_single} + {@code _bbox_post_process}: per level, sigmoid scores, keep (anchor,
 * class) pairs above {@code score_thr}, the top {@code nms_pre} pairs; decode all levels together
 * (clipped to the resized image), rescale by {@code float32(1 / scale_factor)}, drop empty boxes,
 * class-aware NMS, keep {@code max_per_img}.
 */
public final class DensePostProcessor {
  private final BBoxCoder coder;
  private final TestCfg cfg;

  public DensePostProcessor(BBoxCoder coder, TestCfg cfg) {
    this.coder = coder;
    this.cfg = cfg;
  }

  /** Pairs that survived the per-level filter: anchor row, class and score, score-descending. */
  public record LevelTopK(int[] anchorIdxs, int[] labels, float[] scores) {}

  /**
   * mmdet's {@code filter_scores_and_topk}: pairs with score strictly above {@code scoreThr}, in
   * (anchor, class) order, sorted by score descending (stable), the first {@code topk}.
   */
  public static LevelTopK filterScoresAndTopk(
      float[] scores, int numClasses, double scoreThr, int topk) {
    int n = 0;
    for (float s : scores) {
      if (s > scoreThr) {
        n++;
      }
    }
    int[] idx = new int[n];
    for (int i = 0, j = 0; i < scores.length; i++) {
      if (scores[i] > scoreThr) {
        idx[j++] = i;
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = idx[i];
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    int k = topk < 0 ? n : Math.min(topk, n);
    int[] anchors = new int[k];
    int[] labels = new int[k];
    float[] s = new float[k];
    for (int i = 0; i < k; i++) {
      anchors[i] = order[i] / numClasses;
      labels[i] = order[i] % numClasses;
      s[i] = scores[order[i]];
    }
    return new LevelTopK(anchors, labels, s);
  }

  /** What the steps produced, for parity tests and debugging. */
  public record Trace(
      List<LevelTopK> topk,
      float[] nmsInBoxes,
      float[] nmsInScores,
      int[] nmsInLabels,
      int[] keep) {}

  /**
   * @param clsScores per level {@code [A*C, H, W]} logits of one image
   * @param bboxPreds per level {@code [A*4, H, W]} the coder's input (deltas or distances)
   * @param scoreFactors per level {@code [A, H, W]} logits whose sigmoid multiplies the scores
   *     after rescaling (FCOS/ATSS centerness), or null
   * @param priors per level priors {@code [(y*W+x)*A + a][size]} flattened (size 4 or 2)
   */
  public Detections predict(
      List<Tensor> clsScores,
      List<Tensor> bboxPreds,
      List<Tensor> scoreFactors,
      List<float[]> priors,
      int numClasses,
      ImageMeta meta) {
    return run(clsScores, bboxPreds, scoreFactors, priors, numClasses, meta, null);
  }

  /** {@link #predict} that also fills {@code trace}. */
  public Detections predictTraced(
      List<Tensor> clsScores,
      List<Tensor> bboxPreds,
      List<Tensor> scoreFactors,
      List<float[]> priors,
      int numClasses,
      ImageMeta meta,
      List<Trace> trace) {
    return run(clsScores, bboxPreds, scoreFactors, priors, numClasses, meta, trace);
  }

  private Detections run(
      List<Tensor> clsScores,
      List<Tensor> bboxPreds,
      List<Tensor> scoreFactors,
      List<float[]> priors,
      int numClasses,
      ImageMeta meta,
      List<Trace> trace) {
    Backend b = clsScores.get(0).backend();
    List<LevelTopK> levels = new ArrayList<>();
    int total = 0;
    List<float[]> levelDeltas = new ArrayList<>();
    List<float[]> levelPriors = new ArrayList<>();
    List<float[]> levelFactors = new ArrayList<>();
    int ps = 4;
    try (TensorScope scope = TensorScope.open()) {
      for (int l = 0; l < clsScores.size(); l++) {
        Tensor cls = clsScores.get(l);
        float[] scores = cls.permute(1, 2, 0).reshape(-1, numClasses).sigmoid().toFloatArray();
        LevelTopK top = filterScoresAndTopk(scores, numClasses, cfg.scoreThr(), cfg.nmsPre());
        levels.add(top);
        float[] deltas = bboxPreds.get(l).permute(1, 2, 0).reshape(-1, 4).toFloatArray();
        int k = top.anchorIdxs().length;
        ps = deltas.length == 0 ? ps : priors.get(l).length / (deltas.length / 4);
        float[] factors =
            scoreFactors == null
                ? null
                : scoreFactors.get(l).permute(1, 2, 0).reshape(-1).sigmoid().toFloatArray();
        float[] d = new float[4 * k];
        float[] p = new float[ps * k];
        float[] f = new float[k];
        for (int i = 0; i < k; i++) {
          System.arraycopy(deltas, 4 * top.anchorIdxs()[i], d, 4 * i, 4);
          System.arraycopy(priors.get(l), ps * top.anchorIdxs()[i], p, ps * i, ps);
          f[i] = factors == null ? 1f : factors[top.anchorIdxs()[i]];
        }
        levelDeltas.add(d);
        levelPriors.add(p);
        levelFactors.add(f);
        total += k;
      }
      float[] allD = new float[4 * total];
      float[] allP = new float[ps * total];
      float[] allF = new float[total];
      float[] allS = new float[total];
      int[] allL = new int[total];
      int o = 0;
      for (int l = 0; l < levels.size(); l++) {
        LevelTopK t = levels.get(l);
        int k = t.scores().length;
        System.arraycopy(levelDeltas.get(l), 0, allD, 4 * o, 4 * k);
        System.arraycopy(levelPriors.get(l), 0, allP, ps * o, ps * k);
        System.arraycopy(levelFactors.get(l), 0, allF, o, k);
        System.arraycopy(t.scores(), 0, allS, o, k);
        System.arraycopy(t.labels(), 0, allL, o, k);
        o += k;
      }
      float[] boxes =
          total == 0
              ? new float[0]
              : coder
                  .decode(
                      b.fromFloats(allP, total, ps), b.fromFloats(allD, total, 4), meta.imgShape())
                  .toFloatArray();
      // Rescale to the original image: multiply by float32(1 / scale_factor) as mmdet's
      // scale_boxes.
      float sx = (float) (1.0 / meta.scaleFactor()[0]);
      float sy = (float) (1.0 / meta.scaleFactor()[1]);
      int valid = 0;
      boolean[] keepBox = new boolean[total];
      for (int i = 0; i < total; i++) {
        boxes[4 * i] *= sx;
        boxes[4 * i + 1] *= sy;
        boxes[4 * i + 2] *= sx;
        boxes[4 * i + 3] *= sy;
        if (scoreFactors != null) {
          // mmdet multiplies by the score factor after rescaling (no square root).
          allS[i] *= allF[i];
        }
        float w = boxes[4 * i + 2] - boxes[4 * i];
        float h = boxes[4 * i + 3] - boxes[4 * i + 1];
        keepBox[i] = w > cfg.minBboxSize() && h > cfg.minBboxSize();
        valid += keepBox[i] ? 1 : 0;
      }
      float[] nb = new float[4 * valid];
      float[] ns = new float[valid];
      int[] nl = new int[valid];
      for (int i = 0, j = 0; i < total; i++) {
        if (keepBox[i]) {
          System.arraycopy(boxes, 4 * i, nb, 4 * j, 4);
          ns[j] = allS[i];
          nl[j] = allL[i];
          j++;
        }
      }
      Nms.Kept kept = Nms.batched(nb, ns, nl, cfg.nms());
      int[] keep = kept.keep();
      if (trace != null) {
        trace.add(new Trace(levels, nb, ns, nl, keep));
      }
      int k = Math.min(keep.length, cfg.maxPerImg());
      float[] db = new float[4 * k];
      float[] ds = new float[k];
      int[] dl = new int[k];
      for (int i = 0; i < k; i++) {
        System.arraycopy(nb, 4 * keep[i], db, 4 * i, 4);
        ds[i] = kept.scores()[i];
        dl[i] = nl[keep[i]];
      }
      return new Detections(db, ds, dl);
    }
  }
}
