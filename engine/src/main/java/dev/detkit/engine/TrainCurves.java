package dev.detkit.engine;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code curves.png} from {@code scalars.jsonl}, drawn with XChart: three panels side by side —
 * training losses ({@code loss}, {@code loss_cls}, {@code loss_bbox}) and the learning rate against
 * the iteration, and validation box AP ({@code bbox_mAP}, {@code bbox_mAP_50}) against the epoch.
 */
public final class TrainCurves {
  private static final int PANEL_W = 460;
  private static final int PANEL_H = 340;

  private TrainCurves() {}

  /** Draws the curves of {@code scalars} into {@code png}. */
  public static void write(Path scalars, Path png) {
    if (!Files.isRegularFile(scalars)) {
      return;
    }
    List<Map<String, Object>> recs = ScalarLog.read(scalars);
    List<XYChart> panels =
        List.of(
            panel(
                "training loss",
                recs,
                "train",
                "iter",
                "loss",
                List.of("loss", "loss_cls", "loss_bbox")),
            panel("learning rate", recs, "train", "iter", "lr", List.of("lr")),
            panel(
                "validation box AP",
                recs,
                "val",
                "epoch",
                "box AP",
                List.of("bbox_mAP", "bbox_mAP_50")));
    BufferedImage img =
        new BufferedImage(panels.size() * PANEL_W, PANEL_H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    for (int i = 0; i < panels.size(); i++) {
      g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), i * PANEL_W, 0, null);
    }
    g.dispose();
    try {
      ImageIO.write(img, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  private static XYChart panel(
      String title,
      List<Map<String, Object>> recs,
      String mode,
      String xKey,
      String yTitle,
      List<String> keys) {
    XYChart chart =
        new XYChartBuilder()
            .width(PANEL_W)
            .height(PANEL_H)
            .title(title)
            .xAxisTitle(xKey)
            .yAxisTitle(yTitle)
            .build();
    Styler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    s.setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisDecimalPattern("#");
    boolean any = false;
    for (String k : keys) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (Map<String, Object> r : recs) {
        if (mode.equals(r.get("mode"))
            && r.get(k) instanceof Number v
            && r.get(xKey) instanceof Number x
            && Double.isFinite(v.doubleValue())) {
          xs.add(x.doubleValue());
          ys.add(v.doubleValue());
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(k, xs, ys).setMarker(SeriesMarkers.CIRCLE);
        any = true;
      }
    }
    if (!any) {
      // XChart needs a series to draw axes; an empty panel says there is nothing yet.
      chart.setTitle(title + " (no data yet)");
      chart.addSeries(" ", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
      s.setLegendVisible(false);
    }
    return chart;
  }
}
