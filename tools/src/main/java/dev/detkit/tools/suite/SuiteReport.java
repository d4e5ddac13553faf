package dev.detkit.tools.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes a suite's rows as CSV and as a Markdown table in mmdetection's README style. */
public final class SuiteReport {
  private SuiteReport() {}

  /** {@code results.csv}: one line per cell, full precision. */
  public static void writeCsv(List<SuiteRow> rows, Path file) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "config,backbone,backend,height,width,params,gflops,fps,end_to_end_ms,rss_peak_mb,bbox_mAP\n");
    for (SuiteRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%s,%d,%d,%d,%.4f,%.4f,%.3f,%.1f,%s%n",
              r.cell().config().getFileName(),
              r.backbone(),
              r.cell().backend(),
              r.cell().height(),
              r.cell().width(),
              r.params(),
              r.gflops(),
              r.fps(),
              r.endToEndMs(),
              r.rssPeakMb(),
              Double.isNaN(r.boxAp()) ? "" : String.valueOf(r.boxAp())));
    }
    Files.writeString(file, sb);
  }

  /**
   * {@code results.md}: Backbone, Backend, Input, Mem (GB), Inf time (fps), box AP, Params (M),
   * FLOPs (G), Config — mmdetection's model-zoo columns. Mem is the process's peak RSS.
   */
  public static void writeMarkdown(String title, List<SuiteRow> rows, Path file)
      throws IOException {
    StringBuilder sb = new StringBuilder("# " + title + "\n\n");
    sb.append(
        "| Backbone | Backend | Input | Mem (GB) | Inf time (fps) | box AP | Params (M) | FLOPs (G) |"
            + " Config |\n");
    sb.append("|:---|:---|:---:|---:|---:|---:|---:|---:|:---|\n");
    for (SuiteRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %dx%d | %.2f | %.2f | %s | %.2f | %s | %s |%n",
              r.backbone(),
              r.cell().backend(),
              r.cell().height(),
              r.cell().width(),
              r.rssPeakMb() / 1024,
              r.fps(),
              Double.isNaN(r.boxAp()) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * r.boxAp()),
              r.params() / 1e6,
              Double.isNaN(r.gflops()) ? "-" : String.format(Locale.ROOT, "%.2f", r.gflops()),
              r.cell().config().getFileName()));
    }
    sb.append(
        "\nMem: peak resident memory of the cell's own JVM. Inf time: batch 1, warm-up excluded,"
            + " timed images / timed seconds (mmdetection's benchmark protocol). box AP: COCO"
            + " bbox mAP x 100 of the config's checkpoint on the suite's dataset (`./detkit test`)."
            + " FLOPs: one multiply-add counted once.\n");
    Files.writeString(file, sb);
  }
}
