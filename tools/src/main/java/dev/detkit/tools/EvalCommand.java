package dev.detkit.tools;

import dev.detkit.evaluation.CocoEval;
import dev.detkit.evaluation.CocoMetricResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit eval --ann GT.json --results DETS.json}: COCO box AP exactly as pycocotools'
 * COCOeval computes it (12-line summary), with mmdet's metric keys, copypaste line and classwise
 * table; JSON carries the full-precision {@code stats}.
 */
@Command(
    name = "eval",
    description = "COCO bbox evaluation identical to pycocotools (mmdet's keys and tables too).")
final class EvalCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--ann",
      required = true,
      paramLabel = "GT.json",
      description = "COCO annotation file.")
  Path ann;

  @Option(
      names = "--results",
      required = true,
      paramLabel = "DETS.json",
      description = "COCO results (image_id, category_id, bbox [x,y,w,h], score).")
  Path results;

  @Option(
      names = "--max-dets",
      defaultValue = "1,10,100",
      description = "pycocotools' 1,10,100 (default) or mmdet's 100,300,1000.")
  String maxDets;

  @Option(names = "--classwise", description = "Add mmdet's per-category table.")
  boolean classwise;

  @Option(names = "--format", defaultValue = "text", description = "text or json.")
  String format;

  @Override
  public Integer call() {
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserError("--format: expected text or json, got '" + format + "'");
    }
    int[] md;
    try {
      md =
          Arrays.stream(maxDets.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new UserError(
          "--max-dets: expected comma-separated integers such as 1,10,100, got '" + maxDets + "'");
    }
    CocoMetricResult r = CocoEval.evaluateFiles(ann, results, md, classwise);
    spec.commandLine().getOut().print(format.equals("json") ? r.toJson() + "\n" : r.toText());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
