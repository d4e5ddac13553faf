package dev.detkit.evaluation;

import java.util.List;

/**
 * pycocotools' {@code summarize()} output: the 12 stats (float64, unrounded) and the 12 lines it
 * prints, e.g. {@code " Average Precision (AP) @[ IoU=0.50:0.95 | area= all | maxDets=100 ] =
 * 0.292"}.
 *
 * <p>Stat 0 is AP@[.5:.95] at maxDets=100 whatever maxDets are (pycocotools hard-codes it); 1-5 are
 * AP50, AP75, AP small/medium/large at {@code maxDets[2]}; 6-8 AR at {@code maxDets[0..2]}; 9-11 AR
 * small/medium/large at {@code maxDets[2]}. A stat with no data is -1.
 *
 * @param stats the 12 values
 * @param names short names of the stats ("AP", "AP50@1000", "AR@100", ...)
 * @param lines the 12 printed lines
 */
public record CocoSummary(double[] stats, List<String> names, List<String> lines) {

  public CocoSummary {
    stats = stats.clone();
    names = List.copyOf(names);
    lines = List.copyOf(lines);
  }

  @Override
  public double[] stats() {
    return stats.clone();
  }

  /** One stat. */
  public double stat(int i) {
    return stats[i];
  }

  /** The 12 lines joined with newlines, as pycocotools prints them. */
  public String text() {
    return String.join("\n", lines);
  }
}
