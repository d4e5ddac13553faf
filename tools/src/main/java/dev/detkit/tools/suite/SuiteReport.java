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
            "config,backbone,backend,height,width,params,gflops,fps,fps_min,fps_max,repeats,"
                + "achieved_gflops,peak_fraction,end_to_end_ms,rss_peak_mb,dtype_requested,dtype,"
                + "bbox_mAP\n");
    for (SuiteRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%s,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%d,%.2f,%s,%.3f,%.1f,%s,%s,%s%n",
              r.cell().config().getFileName(),
              r.backbone(),
              r.cell().backend(),
              r.cell().height(),
              r.cell().width(),
              r.params(),
              r.gflops(),
              r.fps(),
              r.fpsMin(),
              r.fpsMax(),
              r.repeats(),
              r.achievedGflops(),
              Double.isNaN(r.peakFraction()) ? "" : String.valueOf(r.peakFraction()),
              r.endToEndMs(),
              r.rssPeakMb(),
              r.cell().dtype(),
              r.dtype(),
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
            + " GFLOP/s (% of peak) | Config |\n");
    sb.append("|:---|:---|:---:|---:|---:|---:|---:|---:|---:|:---|\n");
    boolean anyUnreliable = false;
    for (int i = 0; i < rows.size(); i++) {
      SuiteRow r = rows.get(i);
      boolean unreliable =
          (i > 0 && sameColumn(rows.get(i - 1), r) && rows.get(i - 1).overlaps(r))
              || (i + 1 < rows.size()
                  && sameColumn(r, rows.get(i + 1))
                  && r.overlaps(rows.get(i + 1)));
      anyUnreliable |= unreliable;
      String fps =
          r.repeats() > 1
              ? String.format(
                  Locale.ROOT,
                  "%.2f [%.2f-%.2f]%s",
                  r.fps(),
                  r.fpsMin(),
                  r.fpsMax(),
                  unreliable ? " †" : "")
              : String.format(Locale.ROOT, "%.2f", r.fps());
      String rate =
          Double.isNaN(r.achievedGflops())
              ? "-"
              : String.format(Locale.ROOT, "%.1f", r.achievedGflops())
                  + (Double.isNaN(r.peakFraction())
                      ? ""
                      : String.format(Locale.ROOT, " (%.0f%%)", 100 * r.peakFraction()));
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %dx%d | %.2f | %s | %s | %.2f | %s | %s | %s |%n",
              r.backbone(),
              r.backendLabel(),
              r.cell().height(),
              r.cell().width(),
              r.rssPeakMb() / 1024,
              fps,
              Double.isNaN(r.boxAp()) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * r.boxAp()),
              r.params() / 1e6,
              Double.isNaN(r.gflops()) ? "-" : String.format(Locale.ROOT, "%.2f", r.gflops()),
              rate,
              r.cell().config().getFileName()));
    }
    if (anyUnreliable) {
      sb.append(
          "\n† the fps range (min-max over the repeats) overlaps the neighbouring row's: their"
              + " order is not reliable on this machine.\n");
    }
    sb.append(
        "\nMem: peak resident memory of the cell's own JVM. Inf time: batch 1, warm-up excluded,"
            + " timed images / timed seconds (mmdetection's benchmark protocol). box AP: COCO"
            + " bbox mAP x 100 of the config's checkpoint on the suite's dataset (`./detkit test`)."
            + " FLOPs: one multiply-add counted once. Inf time with repeats: median [min-max] of the"
            + " runs, measured round-robin. GFLOP/s: the forward pass, multiply and add counted"
            + " apart; % of peak: of a 4096^3 matmul in the cell's dtype measured in its own process.\n");
    Files.writeString(file, sb);
  }

  /** Rows compared in one column: same backend, dtype and input size (neighbours in the table). */
  private static boolean sameColumn(SuiteRow a, SuiteRow b) {
    return a.cell().backend().equals(b.cell().backend())
        && a.cell().dtype().equals(b.cell().dtype())
        && a.cell().height() == b.cell().height()
        && a.cell().width() == b.cell().width();
  }
}
