package dev.detkit.engine;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar with rate and ETA, redrawn in place on a terminal. */
public final class Progress {
  private final PrintWriter out;
  private final String label;
  private final int total;
  private final long start = System.nanoTime();
  private int done;

  public Progress(PrintWriter out, String label, int total) {
    this.out = out;
    this.label = label;
    this.total = total;
  }

  public void step() {
    step("");
  }

  /** Advances by one and shows {@code suffix} (a loss, say) after the ETA. */
  public void step(String suffix) {
    done++;
    double secs = (System.nanoTime() - start) / 1e9;
    double rate = done / Math.max(secs, 1e-9);
    double eta = (total - done) / Math.max(rate, 1e-9);
    int width = 30;
    int filled = (int) ((long) width * done / Math.max(total, 1));
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    out.printf(
        Locale.ROOT,
        "\r%s [%s] %d/%d %.2f it/s ETA %.0fs %s  ",
        label,
        bar,
        done,
        total,
        rate,
        eta,
        suffix);
    out.flush();
  }

  public void done() {
    out.println();
    out.flush();
  }
}
