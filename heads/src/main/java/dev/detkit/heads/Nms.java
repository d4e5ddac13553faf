package dev.detkit.heads;

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
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
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
    float[] forNms = boxes;
    if (!classAgnostic) {
      float max = Float.NEGATIVE_INFINITY;
      for (float v : boxes) {
        max = Math.max(max, v);
      }
      float step = max + 1f;
      forNms = new float[boxes.length];
      for (int i = 0; i < n; i++) {
        float off = labels[i] * step;
        for (int c = 0; c < 4; c++) {
          forNms[4 * i + c] = boxes[4 * i + c] + off;
        }
      }
    }
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
    Integer[] keep =
        java.util.stream.IntStream.range(0, n).filter(i -> kept[i]).boxed().toArray(Integer[]::new);
    Arrays.sort(keep, (a, b) -> Float.compare(scores[b], scores[a]));
    return Arrays.stream(keep).mapToInt(Integer::intValue).toArray();
  }
}
