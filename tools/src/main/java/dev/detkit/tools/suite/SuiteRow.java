package dev.detkit.tools.suite;

import com.google.gson.JsonObject;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.CfgScalar;
import dev.detkit.api.config.ConfigLoader;
import java.util.List;
import java.util.Locale;

/**
 * One measured cell, read back from its {@code benchmark --format json} record.
 *
 * @param backbone a readable backbone name ("EfficientNet-B3", "ResNet-50")
 * @param cell the cell
 * @param params parameter count
 * @param gflops FLOPs at the cell's input size, in G (multiply-adds, fvcore's convention)
 * @param fps images per second (mmdet's protocol)
 * @param endToEndMs mean end-to-end latency
 * @param rssPeakMb peak resident memory of the cell's JVM
 * @param boxAp COCO box AP of the config's checkpoint on the suite's dataset (NaN: not measured)
 */
public record SuiteRow(
    String backbone,
    SuiteCell cell,
    long params,
    double gflops,
    double fps,
    double endToEndMs,
    double rssPeakMb,
    double boxAp) {

  /** Reads the figures from a benchmark record. */
  public static SuiteRow of(SuiteCell cell, JsonObject rec) {
    return new SuiteRow(
        backboneName(cell),
        cell,
        rec.get("params").getAsLong(),
        rec.has("flops") ? rec.get("flops").getAsLong() / 1e9 : Double.NaN,
        rec.get("fps").getAsDouble(),
        rec.getAsJsonObject("latency_ms").getAsJsonObject("end_to_end").get("mean").getAsDouble(),
        rec.getAsJsonObject("memory_mb").get("rss_peak").getAsDouble(),
        rec.has("bbox_mAP") ? rec.get("bbox_mAP").getAsDouble() : Double.NaN);
  }

  /** "EfficientNet-B3" from {@code type: EfficientNet, arch: b3}; "ResNet-50" from depth 50. */
  static String backboneName(SuiteCell cell) {
    CfgMap bb = new ConfigLoader().load(cell.config(), List.of()).map("model.backbone");
    String type = text(bb.get("type"));
    String arch = text(bb.get("arch"));
    String depth = text(bb.get("depth"));
    if (arch != null) {
      return type + "-" + arch.toUpperCase(Locale.ROOT);
    }
    return depth != null ? type + "-" + depth : type;
  }

  private static String text(CfgNode n) {
    return n instanceof CfgScalar s && s.value() != null ? String.valueOf(s.value()) : null;
  }
}
