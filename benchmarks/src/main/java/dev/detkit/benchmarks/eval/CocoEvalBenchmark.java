package dev.detkit.benchmarks.eval;

import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.StoredType;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.tensor.Shape;
import dev.detkit.evaluation.CocoDetections;
import dev.detkit.evaluation.CocoEvaluation;
import dev.detkit.evaluation.CocoEvaluator;
import dev.detkit.evaluation.CocoGroundTruth;
import dev.detkit.evaluation.CocoJson;
import dev.detkit.evaluation.CocoParams;
import dev.detkit.evaluation.CocoSummary;
import dev.detkit.evaluation.SyntheticCoco;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Times detkit's COCO evaluation on a val2017-sized synthetic set ({@link
 * SyntheticCoco.Spec#cocoVal()}). Not a unit test: run its main method (see {@code
 * benchmarks/eval/bench.sh}), then time pycocotools on the same files with {@code
 * benchmarks/eval/time_pycocotools.py}.
 *
 * <p>Arguments: {@code [DIR] [REPEATS] [MAXDETS]}: DIR receives {@code gt.json} and {@code
 * dets.json} (generated when absent; default a new temp folder) and {@code detkit_arrays
 * .safetensors} (precision/recall/scores/stats of the last run, for the cross-check in the Python
 * script); REPEATS (default 5) full runs (load + evaluate + accumulate + summarize) are timed, the
 * first one cold; MAXDETS defaults to {@code 1,10,100}.
 */
public final class CocoEvalBenchmark {
  private CocoEvalBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("detkit-cocoeval");
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int[] maxDets = {1, 10, 100};
    if (args.length > 2) {
      String[] parts = args[2].split(",");
      maxDets = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        maxDets[i] = Integer.parseInt(parts[i].trim());
      }
    }
    Files.createDirectories(dir);
    Path gtFile = dir.resolve("gt.json");
    Path dtFile = dir.resolve("dets.json");
    if (!Files.exists(gtFile) || !Files.exists(dtFile)) {
      long t = System.nanoTime();
      SyntheticCoco.write(SyntheticCoco.Spec.cocoVal(), gtFile, dtFile);
      System.out.printf(Locale.ROOT, "generated %s and %s in %.2f s%n", gtFile, dtFile, secs(t));
    }
    System.out.printf(
        Locale.ROOT,
        "files: %s (%.1f MB), %s (%.1f MB); %d cores; maxDets %s%n",
        gtFile,
        Files.size(gtFile) / 1e6,
        dtFile,
        Files.size(dtFile) / 1e6,
        Runtime.getRuntime().availableProcessors(),
        java.util.Arrays.toString(maxDets));

    CocoParams params = CocoParams.defaults().withMaxDets(maxDets);
    CocoEvaluation last = null;
    CocoSummary summary = null;
    double best = Double.MAX_VALUE;
    double bestEval = Double.MAX_VALUE;
    for (int rep = 0; rep < repeats; rep++) {
      long t0 = System.nanoTime();
      CocoGroundTruth gt = CocoJson.loadGroundTruth(gtFile);
      long t1 = System.nanoTime();
      CocoDetections dets = CocoJson.loadResults(dtFile, gt);
      long t2 = System.nanoTime();
      CocoEvaluation eval = new CocoEvaluator(params).evaluate(gt, dets);
      long t3 = System.nanoTime();
      summary = eval.summarize();
      long t4 = System.nanoTime();
      double total = (t4 - t0) / 1e9;
      double evalOnly = (t4 - t2) / 1e9;
      best = Math.min(best, total);
      bestEval = Math.min(bestEval, evalOnly);
      System.out.printf(
          Locale.ROOT,
          "run %d: load gt %.3f s, load results %.3f s (%d dets), evaluate %.3f s, accumulate"
              + " %.3f s, summarize %.3f s | evaluate+accumulate+summarize %.3f s | total %.3f"
              + " s%n",
          rep,
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          dets.size(),
          eval.evaluateNanos() / 1e9,
          eval.accumulateNanos() / 1e9,
          (t4 - t3) / 1e9,
          evalOnly,
          total);
      last = eval;
    }
    System.out.println(summary.text());
    StringBuilder stats = new StringBuilder("stats:");
    for (double s : summary.stats()) {
      stats.append(' ').append(s);
    }
    System.out.println(stats);
    System.out.printf(
        Locale.ROOT, "best: total %.3f s, evaluate+accumulate+summarize %.3f s%n", best, bestEval);

    Map<String, TensorData> out = new LinkedHashMap<>();
    out.put("precision", f64(last.precision(), last.precisionShape()));
    out.put("recall", f64(last.recall(), last.recallShape()));
    out.put("scores", f64(last.scores(), last.precisionShape()));
    out.put("stats", f64(summary.stats(), new int[] {12}));
    Path arrays = dir.resolve("detkit_arrays.safetensors");
    Safetensors.write(arrays, out, Map.of("maxDets", java.util.Arrays.toString(maxDets)));
    System.out.println("arrays: " + arrays);
  }

  private static TensorData f64(double[] values, int[] shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(values);
    return new TensorData(StoredType.F64, Shape.of(shape), b);
  }

  private static double secs(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
