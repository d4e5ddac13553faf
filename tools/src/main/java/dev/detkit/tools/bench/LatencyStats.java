package dev.detkit.tools.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Mean and percentiles (nearest rank) of a list of durations in milliseconds. */
public record LatencyStats(
    double mean, double p50, double p90, double p99, double min, double max, int count) {

  public static LatencyStats of(double[] ms) {
    if (ms.length == 0) {
      return new LatencyStats(0, 0, 0, 0, 0, 0, 0);
    }
    double[] s = ms.clone();
    Arrays.sort(s);
    double sum = 0;
    for (double v : s) {
      sum += v;
    }
    return new LatencyStats(
        sum / s.length, rank(s, 50), rank(s, 90), rank(s, 99), s[0], s[s.length - 1], s.length);
  }

  private static double rank(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** For JSON output. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", mean);
    m.put("p50", p50);
    m.put("p90", p90);
    m.put("p99", p99);
    m.put("min", min);
    m.put("max", max);
    m.put("count", count);
    return m;
  }
}
