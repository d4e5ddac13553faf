package dev.detkit.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * COCO bbox evaluation with pycocotools' {@code COCOeval} semantics ({@code evaluate()} then {@code
 * accumulate()}), using every core: (category, image) pairs are matched in parallel, then
 * categories are accumulated in parallel. Results do not depend on the number of threads.
 *
 * <pre>{@code
 * CocoGroundTruth gt = CocoJson.loadGroundTruth(Path.of("instances_val2017.json"));
 * CocoDetections dets = CocoJson.loadResults(Path.of("bbox.json"), gt);
 * CocoEvaluation eval = new CocoEvaluator(CocoParams.mmdet()).evaluate(gt, dets);
 * double[] stats = eval.summarize().stats();
 * }</pre>
 *
 * <p>Memory: per pair only its own IoU matrix exists (D x G, one at a time per thread); what is
 * kept between the two phases is one byte per (detection, area range, IoU threshold).
 */
public final class CocoEvaluator {
  private static final int PAIRS_PER_TASK = 256;

  private final CocoParams params;
  private final ForkJoinPool pool;

  /** An evaluator running on the common fork-join pool (every core). */
  public CocoEvaluator(CocoParams params) {
    this(params, ForkJoinPool.commonPool());
  }

  /** An evaluator running on {@code pool}; a pool of parallelism 1 runs in the calling thread. */
  public CocoEvaluator(CocoParams params, ForkJoinPool pool) {
    this.params = params;
    this.pool = pool;
  }

  public CocoParams params() {
    return params;
  }

  /** pycocotools' {@code evaluate()} and {@code accumulate()}. */
  public CocoEvaluation evaluate(CocoGroundTruth gt, CocoDetections dets) {
    long t0 = System.nanoTime();
    EvalPlan plan = new EvalPlan(params, gt, dets);
    int nT = params.iouCount();
    int nA = params.areaCount();
    int nDt = plan.evalDtStart[plan.pairCount];
    long flagBytes = (long) nDt * nA * nT;
    if (flagBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "too many detections to evaluate at once: "
              + nDt
              + " x "
              + nA
              + " area ranges x "
              + nT
              + " thresholds");
    }
    int[] evalDt = new int[nDt];
    int[] npig = new int[plan.pairCount * nA];
    byte[] flags = new byte[(int) flagBytes];

    parallelFor(
        plan.pairCount,
        PAIRS_PER_TASK,
        () -> {
          PairMatcher matcher = new PairMatcher(plan);
          return p -> matcher.evaluatePair(p, evalDt, npig, flags);
        });
    long t1 = System.nanoTime();

    int nR = params.recallCount();
    int nK = plan.categoryCount();
    int nM = params.maxDetCount();
    double[] precision = new double[nT * nR * nK * nA * nM];
    double[] scores = new double[precision.length];
    double[] recall = new double[nT * nK * nA * nM];
    Arrays.fill(precision, -1);
    Arrays.fill(scores, -1);
    Arrays.fill(recall, -1);
    parallelFor(
        nK,
        1,
        () -> {
          Accumulator acc = new Accumulator(plan, evalDt, npig, flags);
          return k -> acc.accumulate(k, precision, recall, scores);
        });
    long t2 = System.nanoTime();
    return new CocoEvaluation(plan, precision, recall, scores, t1 - t0, t2 - t1);
  }

  /**
   * The pycocotools {@code evalImgs} entries for one area range (index into {@code areaRng}), in
   * pycocotools' order (category by category, images in ascending id order), leaving out the pairs
   * for which pycocotools returns None (no gt and no detection).
   */
  public List<ImageEvaluation> evaluateImages(
      CocoGroundTruth gt, CocoDetections dets, int areaIndex) {
    EvalPlan plan = new EvalPlan(params, gt, dets);
    return imageEvaluations(plan, areaIndex);
  }

  static List<ImageEvaluation> imageEvaluations(EvalPlan plan, int areaIndex) {
    if (areaIndex < 0 || areaIndex >= plan.params.areaCount()) {
      throw new IndexOutOfBoundsException(
          "area index " + areaIndex + " of " + plan.params.areaCount());
    }
    PairMatcher matcher = new PairMatcher(plan);
    List<ImageEvaluation> out = new ArrayList<>(plan.pairCount);
    for (int p = 0; p < plan.pairCount; p++) {
      out.add(matcher.detail(p, areaIndex));
    }
    return out;
  }

  /** A worker's body: made once per task, then called for each index of the task's range. */
  private interface WorkerFactory {
    IntConsumer create();
  }

  private void parallelFor(int n, int grain, WorkerFactory factory) {
    if (n == 0) {
      return;
    }
    if (Parallel.threads(pool) <= 1 || n <= grain) {
      IntConsumer body = factory.create();
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    Parallel.run(pool, new RangeTask(0, n, grain, factory));
  }

  private static final class RangeTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final int from;
    private final int to;
    private final int chunk;
    private final transient WorkerFactory factory;

    RangeTask(int from, int to, int chunk, WorkerFactory factory) {
      this.from = from;
      this.to = to;
      this.chunk = chunk;
      this.factory = factory;
    }

    @Override
    protected void compute() {
      if (to - from <= chunk) {
        IntConsumer body = factory.create();
        for (int i = from; i < to; i++) {
          body.accept(i);
        }
        return;
      }
      int mid = from + (to - from) / 2;
      invokeAll(new RangeTask(from, mid, chunk, factory), new RangeTask(mid, to, chunk, factory));
    }
  }
}
