package dev.detkit.heads;

import dev.detkit.api.util.StableArgsort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * mmcv's {@code nms} and {@code batched_nms} on the host in float32. Class-aware NMS uses mmcv's
 * offset trick ({@code boxes + label * (max_coordinate + 1)}), whose float32 rounding is part of
 * the answer; a box is suppressed when its IoU with a kept box is strictly greater than the
 * threshold (areas without +1; a 0/0 IoU is NaN and suppresses nothing). Score order is stable.
 */
public final class Nms {
  private Nms() {}

  /** Indices kept by plain NMS, in descending score order. */
  public static int[] nms(float[] boxes, float[] scores, float iouThreshold) {
    int n = scores.length;
    int[] order =
        StableArgsort.order(scores, java.util.stream.IntStream.range(0, n).toArray(), true);
    float[] areas = new float[n];
    for (int i = 0; i < n; i++) {
      areas[i] = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
    }
    boolean[] suppressed = new boolean[n];
    int[] keep = new int[n];
    int k = 0;
    for (int oi = 0; oi < n; oi++) {
      int i = order[oi];
      if (suppressed[i]) {
        continue;
      }
      keep[k++] = i;
      float ix1 = boxes[4 * i];
      float iy1 = boxes[4 * i + 1];
      float ix2 = boxes[4 * i + 2];
      float iy2 = boxes[4 * i + 3];
      float iarea = areas[i];
      for (int oj = oi + 1; oj < n; oj++) {
        int j = order[oj];
        if (suppressed[j]) {
          continue;
        }
        float w = Math.max(0f, Math.min(ix2, boxes[4 * j + 2]) - Math.max(ix1, boxes[4 * j]));
        float h = Math.max(0f, Math.min(iy2, boxes[4 * j + 3]) - Math.max(iy1, boxes[4 * j + 1]));
        float inter = w * h;
        float ovr = inter / (iarea + areas[j] - inter);
        if (ovr > iouThreshold) {
          suppressed[j] = true;
        }
      }
    }
    return Arrays.copyOf(keep, k);
  }

  /** What NMS kept: indices into its input, and each kept box's (possibly decayed) score. */
  public record Kept(int[] keep, float[] scores) {}

  /** mmcv's soft-NMS score decay: naive (hard cut), linear or gaussian. */
  public enum SoftMethod {
    NAIVE,
    LINEAR,
    GAUSSIAN
  }

  /**
   * mmcv's {@code soft_nms} ({@code softnms_cpu}, float32, offset 0): at each step the first
   * maximum of the remaining scores is swapped into place and kept; every later box's score is
   * decayed by its IoU with it (gaussian: {@code exp(-iou^2 / sigma)}; linear: {@code 1 - iou} when
   * {@code iou >= iouThreshold}; naive: 0 then), and a box falling below {@code minScore} is
   * replaced by the current last one, which is examined next. Scores come out non-increasing.
   */
  public static Kept soft(
      float[] boxes,
      float[] scores,
      float iouThreshold,
      float sigma,
      float minScore,
      SoftMethod method) {
    int n = scores.length;
    float[] x1 = new float[n];
    float[] y1 = new float[n];
    float[] x2 = new float[n];
    float[] y2 = new float[n];
    float[] sc = scores.clone();
    float[] area = new float[n];
    int[] ind = new int[n];
    for (int i = 0; i < n; i++) {
      x1[i] = boxes[4 * i];
      y1[i] = boxes[4 * i + 1];
      x2[i] = boxes[4 * i + 2];
      y2[i] = boxes[4 * i + 3];
      area[i] = (x2[i] - x1[i]) * (y2[i] - y1[i]);
      ind[i] = i;
    }
    float[] kept = new float[n];
    for (int i = 0; i < n; i++) {
      int maxPos = i;
      for (int p = i + 1; p < n; p++) {
        if (sc[maxPos] < sc[p]) {
          maxPos = p;
        }
      }
      swap(x1, i, maxPos);
      swap(y1, i, maxPos);
      swap(x2, i, maxPos);
      swap(y2, i, maxPos);
      swap(sc, i, maxPos);
      swap(area, i, maxPos);
      int t = ind[i];
      ind[i] = ind[maxPos];
      ind[maxPos] = t;
      kept[i] = sc[i];
      for (int p = i + 1; p < n; p++) {
        float w = cppMax(0f, Math.min(x2[i], x2[p]) - cppMax(x1[i], x1[p]));
        float h = cppMax(0f, Math.min(y2[i], y2[p]) - cppMax(y1[i], y1[p]));
        float inter = w * h;
        float ovr = inter / (area[i] + area[p] - inter);
        float weight =
            switch (method) {
              case NAIVE -> ovr >= iouThreshold ? 0f : 1f;
              case LINEAR -> ovr >= iouThreshold ? 1f - ovr : 1f;
              case GAUSSIAN -> (float) Math.exp(-(ovr * ovr) / sigma);
            };
        sc[p] *= weight;
        if (sc[p] < minScore) {
          int last = n - 1;
          x1[p] = x1[last];
          y1[p] = y1[last];
          x2[p] = x2[last];
          y2[p] = y2[last];
          sc[p] = sc[last];
          area[p] = area[last];
          ind[p] = ind[last];
          n--;
          p--;
        }
      }
    }
    return new Kept(Arrays.copyOf(ind, n), Arrays.copyOf(kept, n));
  }

  private static void swap(float[] a, int i, int j) {
    float t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** {@code std::max}: the first argument unless the second is larger (no NaN special case). */
  private static float cppMax(float a, float b) {
    return a < b ? b : a;
  }

  /**
   * mmcv's {@code batched_nms} with the config's NMS type: hard NMS ({@code nms}) keeps scores;
   * {@code soft_nms} returns the decayed ones. Class-aware through mmcv's coordinate offsets; at or
   * above {@code split_thr} boxes, class by class, then sorted by (decayed) score.
   */
  public static Kept batched(float[] boxes, float[] scores, int[] labels, TestCfg.NmsCfg cfg) {
    if (!cfg.isSoft()) {
      int[] keep =
          batched(
              boxes,
              scores,
              labels,
              (float) cfg.iouThreshold(),
              cfg.classAgnostic(),
              cfg.splitThr());
      float[] s = new float[keep.length];
      for (int i = 0; i < keep.length; i++) {
        s[i] = scores[keep[i]];
      }
      return new Kept(keep, s);
    }
    int n = scores.length;
    if (n == 0) {
      return new Kept(new int[0], new float[0]);
    }
    float[] forNms = cfg.classAgnostic() ? boxes : offsetByClass(boxes, labels);
    SoftMethod method = SoftMethod.valueOf(cfg.method().toUpperCase(java.util.Locale.ROOT));
    float thr = (float) cfg.iouThreshold();
    float sigma = (float) cfg.sigma();
    float min = (float) cfg.minScore();
    if (n < cfg.splitThr()) {
      return soft(forNms, scores, thr, sigma, min, method);
    }
    float[] after = new float[n];
    boolean[] kept = new boolean[n];
    for (int label : Arrays.stream(labels).distinct().sorted().toArray()) {
      int[] idx = java.util.stream.IntStream.range(0, n).filter(i -> labels[i] == label).toArray();
      float[] b = new float[idx.length * 4];
      float[] s = new float[idx.length];
      for (int j = 0; j < idx.length; j++) {
        System.arraycopy(forNms, 4 * idx[j], b, 4 * j, 4);
        s[j] = scores[idx[j]];
      }
      Kept k = soft(b, s, thr, sigma, min, method);
      for (int j = 0; j < k.keep().length; j++) {
        kept[idx[k.keep()[j]]] = true;
        after[idx[k.keep()[j]]] = k.scores()[j];
      }
    }
    int[] k =
        StableArgsort.order(
            after, java.util.stream.IntStream.range(0, n).filter(i -> kept[i]).toArray(), true);
    float[] s = new float[k.length];
    for (int i = 0; i < k.length; i++) {
      s[i] = after[k[i]];
    }
    return new Kept(k, s);
  }

  /** mmcv's offsets: {@code boxes + label * (max_coordinate + 1)}, rounded in float32. */
  private static float[] offsetByClass(float[] boxes, int[] labels) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : boxes) {
      max = Math.max(max, v);
    }
    float step = max + 1f;
    float[] out = new float[boxes.length];
    for (int i = 0; i < labels.length; i++) {
      float off = labels[i] * step;
      for (int c = 0; c < 4; c++) {
        out[4 * i + c] = boxes[4 * i + c] + off;
      }
    }
    return out;
  }

  /**
   * mmcv's {@code batched_nms}: class-aware through coordinate offsets unless {@code
   * classAgnostic}; at or above {@code splitThreshold} boxes, NMS runs class by class on the offset
   * boxes and the kept set is re-sorted by score.
   */
  public static int[] batched(
      float[] boxes,
      float[] scores,
      int[] labels,
      float iouThreshold,
      boolean classAgnostic,
      int splitThreshold) {
    int n = scores.length;
    if (n == 0) {
      return new int[0];
    }
    float[] forNms = classAgnostic ? boxes : offsetByClass(boxes, labels);
    if (n < splitThreshold) {
      return nms(forNms, scores, iouThreshold);
    }
    boolean[] kept = new boolean[n];
    int[] distinct = Arrays.stream(labels).distinct().sorted().toArray();
    for (int label : distinct) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (labels[i] == label) {
          idx.add(i);
        }
      }
      float[] b = new float[idx.size() * 4];
      float[] s = new float[idx.size()];
      for (int j = 0; j < idx.size(); j++) {
        System.arraycopy(forNms, 4 * idx.get(j), b, 4 * j, 4);
        s[j] = scores[idx.get(j)];
      }
      for (int kj : nms(b, s, iouThreshold)) {
        kept[idx.get(kj)] = true;
      }
    }
    return StableArgsort.order(
        scores, java.util.stream.IntStream.range(0, n).filter(i -> kept[i]).toArray(), true);
  }
}
