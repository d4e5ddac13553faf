package dev.detkit.evaluation;

import java.nio.file.Path;

/**
 * One call for a command line: load a COCO annotation file and a bbox result file, evaluate with
 * pycocotools' semantics and report as mmdet's CocoMetric does.
 *
 * <pre>{@code
 * CocoMetricResult r = CocoEval.evaluateFiles(ann, results, new int[] {100, 300, 1000}, true);
 * System.out.print(json ? r.toJson() : r.toText());
 * }</pre>
 */
public final class CocoEval {
  private CocoEval() {}

  /**
   * Evaluates {@code results} against {@code annotations}.
   *
   * @param maxDets maxDets (at least three; null for pycocotools' default [1, 10, 100]; mmdet uses
   *     [100, 300, 1000])
   * @param classwise whether to compute mmdet's per-category table
   * @throws CocoFormatException when a file is malformed or inconsistent (the message says where)
   */
  public static CocoMetricResult evaluateFiles(
      Path annotations, Path results, int[] maxDets, boolean classwise) {
    CocoParams params = CocoParams.defaults();
    if (maxDets != null) {
      if (maxDets.length < 3) {
        throw new IllegalArgumentException(
            "maxDets needs at least three values (summarize reads maxDets[0..2]), got "
                + maxDets.length);
      }
      params = params.withMaxDets(maxDets);
    }
    CocoDetections dets = CocoJson.loadGroundTruthAndResults(annotations, results);
    CocoEvaluation eval = new CocoEvaluator(params).evaluate(dets.groundTruth(), dets);
    return CocoMetricResult.of(eval, classwise);
  }
}
