package dev.detkit.engine;

import dev.detkit.api.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress with rate and ETA. On a terminal, one bar redrawn in place (at most ten times a second);
 * otherwise (output to a log file, a pipe, a test) whole lines, one every tenth of the work or
 * every ten seconds, so that a log reads line by line. The runtime options' progress mode ({@code
 * -Ddetkit.progress=bar} or {@code lines}) overrides the choice.
 */
public final class Progress {
  private static final long REDRAW_NS = 100_000_000L;
  private static final long LINE_NS = 10_000_000_000L;

  private final PrintWriter out;
  private final String label;
  private final int total;
  private final boolean bar;
  private final long start = System.nanoTime();
  private long lastShown = Long.MIN_VALUE;
  private int lastShownDone;
  private int done;
  private String lastSuffix = "";

  /** A bar or lines as {@code options}' progress mode and the console say. */
  public Progress(PrintWriter out, String label, int total, RuntimeOptions options) {
    this(out, label, total, interactive(options.progress()));
  }

  /** With {@code bar}: redraw in place; without: whole lines. */
  public Progress(PrintWriter out, String label, int total, boolean bar) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.bar = bar;
  }

  /** True when a person watches a terminal (the JVM's console), unless {@code mode} overrides. */
  static boolean interactive(String mode) {
    return mode.equals("bar") || (!mode.equals("lines") && System.console() != null);
  }

  public void step() {
    step("");
  }

  /** Advances by one and shows {@code suffix} (a loss, say) after the ETA. */
  public void step(String suffix) {
    done++;
    lastSuffix = suffix;
    long now = System.nanoTime();
    boolean last = done >= total;
    if (bar) {
      if (last || now - lastShown >= REDRAW_NS) {
        out.print("\r" + text(now, true) + "  ");
        out.flush();
        lastShown = now;
      }
      return;
    }
    int tenth = Math.max(total / 10, 1);
    if (last || done / tenth > lastShownDone / tenth || now - lastShown >= LINE_NS) {
      out.println(text(now, false));
      out.flush();
      lastShown = now;
      lastShownDone = done;
    }
  }

  private String text(long now, boolean withBar) {
    double secs = (now - start) / 1e9;
    double rate = done / Math.max(secs, 1e-9);
    double eta = (total - done) / Math.max(rate, 1e-9);
    String b = "";
    if (withBar) {
      int width = 30;
      int filled = (int) ((long) width * Math.min(done, total) / Math.max(total, 1));
      b = " [" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
    return String.format(
            Locale.ROOT,
            "%s%s %d/%d %.2f it/s ETA %.0fs %s",
            label,
            b,
            done,
            total,
            rate,
            eta,
            lastSuffix)
        .stripTrailing();
  }

  public void done() {
    if (bar) {
      out.println();
    } else if (lastShownDone != done) {
      out.println(text(System.nanoTime(), false));
    }
    out.flush();
  }
}
