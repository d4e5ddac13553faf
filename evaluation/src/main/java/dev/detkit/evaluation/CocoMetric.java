package dev.detkit.evaluation;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.nio.file.Path;
import java.util.List;

/**
 * mmdet's {@code CocoMetric} as a config component ({@code val_evaluator}, {@code test_evaluator}):
 * box AP by pycocotools' rules over the dataloader's results, with mmdet's recall limits.
 */
@Component(
    kind = ComponentKind.METRIC,
    name = "CocoMetric",
    summary = "COCO box AP, identical to pycocotools, with mmdet's keys and recall limits")
public final class CocoMetric {

  /**
   * mmdet's arguments.
   *
   * @param annFile COCO annotation file (default: the dataset's own {@code ann_file})
   * @param metric the metric to compute; only {@code bbox} (mask and proposal AP need heads detkit
   *     does not have)
   * @param classwise add the per-category AP table
   * @param proposalNums mmdet's maxDets for the recall lines, three increasing numbers
   * @param formatOnly only write results, evaluate nothing (not supported)
   * @param outfilePrefix where mmdet writes {@code <prefix>.bbox.json} (detkit's commands take
   *     {@code --out})
   * @param iouThrs IoU thresholds; only the default 0.50:0.05:0.95
   * @param metricItems the summary items to log; detkit always reports all of mmdet's bbox_mAP
   *     items and ignores this list
   * @param sortCategories sort categories by id before evaluation (pycocotools already does)
   * @param fileClientArgs deprecated mmengine storage arguments (local files only)
   * @param backendArgs mmengine storage arguments (local files only)
   * @param collectDevice where distributed results are gathered (results stay in one process)
   * @param prefix the metric key prefix ({@code coco}); detkit reports mmdet's names without a
   *     prefix and ignores it
   * @param useMpEval evaluate with processes (detkit's evaluator uses threads)
   */
  public record Args(
      @Default("null") String annFile,
      @Default("bbox") String metric,
      @Default("false") boolean classwise,
      @Default("[100, 300, 1000]") List<Integer> proposalNums,
      @Default("false") boolean formatOnly,
      @Default("null") String outfilePrefix,
      @Default("null") List<Double> iouThrs,
      @Default("null") List<String> metricItems,
      @Default("false") boolean sortCategories,
      @Default("null") java.util.Map<String, Object> fileClientArgs,
      @Default("null") java.util.Map<String, Object> backendArgs,
      @Default("cpu") String collectDevice,
      @Default("null") String prefix,
      @Default("false") boolean useMpEval) {
    public Args {
      if (!metric.equals("bbox")) {
        throw new IllegalArgumentException("metric '" + metric + "' is not supported (use bbox)");
      }
      if (formatOnly) {
        throw new IllegalArgumentException(
            "format_only is not supported: detkit's test always evaluates and writes --out");
      }
      if (proposalNums.size() != 3
          || proposalNums.get(0) < 1
          || proposalNums.get(1) <= proposalNums.get(0)
          || proposalNums.get(2) <= proposalNums.get(1)) {
        throw new IllegalArgumentException(
            "proposal_nums must be three increasing positive numbers, got " + proposalNums);
      }
      if (iouThrs != null) {
        throw new IllegalArgumentException(
            "iou_thrs: only the default 0.50:0.05:0.95 is supported");
      }
    }
  }

  private final Args args;

  public CocoMetric(Args args) {
    this.args = args;
  }

  /** The annotation file: the metric's own, else {@code datasetAnnFile}. */
  public Path annFile(Path datasetAnnFile) {
    return args.annFile() != null ? Path.of(args.annFile()) : datasetAnnFile;
  }

  public boolean classwise() {
    return args.classwise();
  }

  /** mmdet's maxDets (proposal_nums). */
  public int[] maxDets() {
    return args.proposalNums().stream().mapToInt(Integer::intValue).toArray();
  }

  /** Evaluates a COCO results file against {@code annFile}. */
  public CocoMetricResult evaluate(Path annFile, Path results) {
    return CocoEval.evaluateFiles(annFile, results, maxDets(), args.classwise());
  }
}
