package dev.detkit.engine;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * {@code curves.png} from {@code scalars.jsonl}: three panels — training losses ({@code loss},
 * {@code loss_cls}, {@code loss_bbox}) and the learning rate against the iteration, and validation
 * box AP ({@code bbox_mAP}, {@code bbox_mAP_50}) against the epoch.
 */
public final class TrainCurves {
  private static final int PANEL_W = 420;
  private static final int PANEL_H = 320;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)
  };

  private TrainCurves() {}

  /** Draws the curves of {@code scalars} into {@code png}. */
  public static void write(Path scalars, Path png) {
    if (!Files.isRegularFile(scalars)) {
      return;
    }
    List<Map<String, Object>> recs = ScalarLog.read(scalars);
    BufferedImage img = new BufferedImage(3 * PANEL_W, PANEL_H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    panel(g, 0, "training loss", recs, "train", "iter", List.of("loss", "loss_cls", "loss_bbox"));
    panel(g, PANEL_W, "learning rate", recs, "train", "iter", List.of("lr"));
    panel(
        g,
        2 * PANEL_W,
        "validation box AP",
        recs,
        "val",
        "epoch",
        List.of("bbox_mAP", "bbox_mAP_50"));
    g.dispose();
    try {
      ImageIO.write(img, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  private static void panel(
      Graphics2D g,
      int x0,
      String title,
      List<Map<String, Object>> recs,
      String mode,
      String xKey,
      List<String> keys) {
    int left = x0 + 60;
    int right = x0 + PANEL_W - 15;
    int top = 35;
    int bottom = PANEL_H - 45;
    List<List<double[]>> series = new ArrayList<>();
    double xMin = Double.MAX_VALUE;
    double xMax = -Double.MAX_VALUE;
    double yMin = Double.MAX_VALUE;
    double yMax = -Double.MAX_VALUE;
    for (String k : keys) {
      List<double[]> pts = new ArrayList<>();
      for (Map<String, Object> r : recs) {
        if (mode.equals(r.get("mode"))
            && r.get(k) instanceof Number v
            && r.get(xKey) instanceof Number x) {
          double y = v.doubleValue();
          if (Double.isFinite(y)) {
            pts.add(new double[] {x.doubleValue(), y});
            xMin = Math.min(xMin, x.doubleValue());
            xMax = Math.max(xMax, x.doubleValue());
            yMin = Math.min(yMin, y);
            yMax = Math.max(yMax, y);
          }
        }
      }
      series.add(pts);
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, left, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawRect(left, top, right - left, bottom - top);
    g.drawString(xKey, (left + right) / 2, PANEL_H - 12);
    if (xMin > xMax) {
      g.drawString("no data", left + 10, top + 20);
      return;
    }
    if (yMin > 0 && mode.equals("val")) {
      yMin = 0;
    }
    if (yMax - yMin < 1e-12) {
      yMax = yMin + 1;
    }
    if (xMax - xMin < 1e-12) {
      xMax = xMin + 1;
    }
    g.drawString(fmt(yMax), x0 + 4, top + 10);
    g.drawString(fmt(yMin), x0 + 4, bottom);
    g.drawString(fmt(xMin), left, bottom + 15);
    g.drawString(fmt(xMax), right - 40, bottom + 15);
    g.setStroke(new BasicStroke(1.8f));
    for (int s = 0; s < series.size(); s++) {
      g.setColor(COLORS[s % COLORS.length]);
      List<double[]> pts = series.get(s);
      int px = -1;
      int py = -1;
      for (double[] p : pts) {
        int x = left + (int) ((p[0] - xMin) / (xMax - xMin) * (right - left));
        int y = bottom - (int) ((p[1] - yMin) / (yMax - yMin) * (bottom - top));
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        g.fillOval(x - 2, y - 2, 4, 4);
        px = x;
        py = y;
      }
      g.drawString(keys.get(s), right - 110, top + 15 + 14 * s);
    }
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e7) {
      return Long.toString((long) v); // iterations and epochs
    }
    return Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v != 0)
        ? String.format(Locale.ROOT, "%.2e", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
