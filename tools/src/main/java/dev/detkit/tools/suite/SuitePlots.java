package dev.detkit.tools.suite;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The suite's two PNG plots: fps against FLOPs, and peak memory per backbone. One colour per
 * backend.
 */
public final class SuitePlots {
  private static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40)
  };
  private static final int W = 900;
  private static final int H = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 90;

  private SuitePlots() {}

  /** Scatter of fps (y) against GFLOPs (x), each point labelled with its backbone. */
  public static void fpsVsFlops(String title, List<SuiteRow> rows, Path file) throws IOException {
    List<SuiteRow> pts = rows.stream().filter(r -> !Double.isNaN(r.gflops())).toList();
    double xMax = niceMax(pts, SuiteRow::gflops);
    double yMax = niceMax(pts, SuiteRow::fpsMax);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title + ": fps vs FLOPs", "GFLOPs", "fps", xMax, yMax);
    List<String> backends = backends(rows);
    for (SuiteRow r : pts) {
      int x = LEFT + (int) (r.gflops() / xMax * (W - LEFT - RIGHT));
      int y = H - BOTTOM - (int) (r.fps() / yMax * (H - TOP - BOTTOM));
      g.setColor(PALETTE[backends.indexOf(r.cell().backend()) % PALETTE.length]);
      g.fillOval(x - 5, y - 5, 10, 10);
      if (r.repeats() > 1) {
        // Error bar: the min-max of the repeated runs.
        int lo = H - BOTTOM - (int) (r.fpsMin() / yMax * (H - TOP - BOTTOM));
        int hi = H - BOTTOM - (int) (r.fpsMax() / yMax * (H - TOP - BOTTOM));
        g.drawLine(x, lo, x, hi);
        g.drawLine(x - 4, lo, x + 4, lo);
        g.drawLine(x - 4, hi, x + 4, hi);
      }
      g.setColor(Color.DARK_GRAY);
      g.drawString(r.backbone(), x + 7, y - 4);
    }
    legend(g, backends);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /** Grouped bars: peak resident memory (GB) per backbone, one bar per backend. */
  public static void memoryByArch(String title, List<SuiteRow> rows, Path file) throws IOException {
    List<String> archs =
        new ArrayList<>(new LinkedHashSet<>(rows.stream().map(SuiteRow::backbone).toList()));
    List<String> backends = backends(rows);
    double yMax = niceMax(rows, r -> r.rssPeakMb() / 1024);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title + ": peak memory", "", "peak RSS (GB)", 0, yMax);
    double group = (W - LEFT - RIGHT) / (double) Math.max(archs.size(), 1);
    double bar = group * 0.8 / backends.size();
    for (SuiteRow r : rows) {
      int a = archs.indexOf(r.backbone());
      int k = backends.indexOf(r.cell().backend());
      int x = (int) (LEFT + a * group + group * 0.1 + k * bar);
      int h = (int) (r.rssPeakMb() / 1024 / yMax * (H - TOP - BOTTOM));
      g.setColor(PALETTE[k % PALETTE.length]);
      g.fillRect(x, H - BOTTOM - h, Math.max((int) bar - 2, 1), h);
    }
    g.setColor(Color.DARK_GRAY);
    for (int a = 0; a < archs.size(); a++) {
      g.drawString(archs.get(a), (int) (LEFT + a * group + 4), H - BOTTOM + 18 + (a % 2) * 14);
    }
    legend(g, backends);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static Graphics2D canvas(
      BufferedImage img, String title, String xLabel, String yLabel, double xMax, double yMax) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setStroke(new BasicStroke(1));
    g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
    g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
    for (int t = 0; t <= 5; t++) {
      int y = H - BOTTOM - t * (H - TOP - BOTTOM) / 5;
      g.setColor(new Color(230, 230, 230));
      g.drawLine(LEFT + 1, y, W - RIGHT, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.2f", yMax * t / 5), 20, y + 4);
      if (xMax > 0) {
        int x = LEFT + t * (W - LEFT - RIGHT) / 5;
        g.drawString(String.format(Locale.ROOT, "%.1f", xMax * t / 5), x - 10, H - BOTTOM + 18);
      }
    }
    g.drawString(xLabel, W / 2, H - 40);
    g.drawString(yLabel, 10, TOP - 10);
    return g;
  }

  private static void legend(Graphics2D g, List<String> backends) {
    for (int k = 0; k < backends.size(); k++) {
      g.setColor(PALETTE[k % PALETTE.length]);
      g.fillRect(W - RIGHT - 120, TOP + 10 + k * 18, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(backends.get(k), W - RIGHT - 102, TOP + 21 + k * 18);
    }
  }

  private static List<String> backends(List<SuiteRow> rows) {
    return new ArrayList<>(
        new LinkedHashSet<>(rows.stream().map(r -> r.cell().backend()).toList()));
  }

  /** The largest value plus 10% headroom (1 when there is nothing to plot). */
  private static double niceMax(List<SuiteRow> rows, ToDoubleFunction<SuiteRow> f) {
    double m = rows.stream().mapToDouble(f).filter(Double::isFinite).max().orElse(0);
    return m > 0 ? m * 1.1 : 1;
  }
}
