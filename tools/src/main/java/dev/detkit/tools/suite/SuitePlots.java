package dev.detkit.tools.suite;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The suite's two PNG plots, drawn with XChart: fps against FLOPs (one series per backend, each
 * point labelled by its backbone in the legend-free annotations, repeated cells with a min-max
 * bar), and peak memory per backbone (grouped bars, one per backend).
 */
public final class SuitePlots {
  private static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40)
  };
  private static final int W = 900;
  private static final int H = 560;

  private SuitePlots() {}

  /** Scatter of fps (y) against GFLOPs (x); each repeated cell's min-max range as a bar. */
  public static void fpsVsFlops(String title, List<SuiteRow> rows, Path file) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(W)
            .height(H)
            .title(title + ": fps vs FLOPs")
            .xAxisTitle("GFLOPs (multiply-adds) at the cell's input size")
            .yAxisTitle("fps (median of the repeats)")
            .build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setMarkerSize(9);
    List<SuiteRow> pts = rows.stream().filter(r -> !Double.isNaN(r.gflops())).toList();
    // Labels sit beside their points, not on them.
    double dx = 0.04 * pts.stream().mapToDouble(SuiteRow::gflops).max().orElse(1);
    for (String backend : backends(pts)) {
      List<SuiteRow> mine = pts.stream().filter(r -> r.backendLabel().equals(backend)).toList();
      XYSeries s =
          chart.addSeries(
              backend,
              mine.stream().map(SuiteRow::gflops).toList(),
              mine.stream().map(SuiteRow::fps).toList());
      Color color = PALETTE[backends(pts).indexOf(backend) % PALETTE.length];
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(color);
      for (SuiteRow r : mine) {
        chart.addAnnotation(
            new org.knowm.xchart.AnnotationText(r.backbone(), r.gflops() + dx, r.fps(), false));
        if (r.repeats() > 1) {
          XYSeries bar =
              chart.addSeries(
                  backend + " " + r.cell().id(),
                  new double[] {r.gflops(), r.gflops()},
                  new double[] {r.fpsMin(), r.fpsMax()});
          bar.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
          bar.setMarker(SeriesMarkers.NONE);
          bar.setLineColor(color);
          bar.setShowInLegend(false);
        }
      }
    }
    if (pts.isEmpty()) {
      chart.addSeries("no FLOPs recorded", new double[] {0}, new double[] {0});
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Grouped bars: peak resident memory (GB) per backbone, one bar per backend. */
  public static void memoryByArch(String title, List<SuiteRow> rows, Path file) throws IOException {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(W)
            .height(H)
            .title(title + ": peak memory")
            .xAxisTitle("backbone")
            .yAxisTitle("peak RSS (GB)")
            .build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisLabelRotation(30);
    List<String> archs =
        new ArrayList<>(new LinkedHashSet<>(rows.stream().map(SuiteRow::backbone).toList()));
    for (String backend : backends(rows)) {
      List<Double> gb = new ArrayList<>();
      for (String arch : archs) {
        gb.add(
            rows.stream()
                .filter(r -> r.backbone().equals(arch) && r.backendLabel().equals(backend))
                .mapToDouble(r -> r.rssPeakMb() / 1024)
                .max()
                .orElse(0));
      }
      chart.addSeries(backend, archs, gb);
    }
    if (archs.isEmpty()) {
      chart.addSeries("no cells", List.of("-"), List.of(0.0));
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** One series per backend and dtype that ran. */
  private static List<String> backends(List<SuiteRow> rows) {
    return new ArrayList<>(new LinkedHashSet<>(rows.stream().map(SuiteRow::backendLabel).toList()));
  }
}
