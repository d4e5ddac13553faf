package dev.detkit.tools.suite;

import com.fasterxml.jackson.databind.JsonNode;
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
 * @param fpsMin the slowest of the repeats (equal to fps for one run)
 * @param fpsMax the fastest of the repeats
 * @param repeats how many runs the figures summarise
 * @param achievedGflops the forward pass's FLOP/s (NaN in records from before it was measured)
 * @param peakFraction achieved over the attainable matmul rate (NaN without --peak)
 * @param dtype the dtype that ran ({@code float32}, {@code bf16}, {@code bf16-emulated}), which is
 *     float32 where bf16 was asked for on a CPU without native bfloat16
 */
public record SuiteRow(
    String backbone,
    SuiteCell cell,
    long params,
    double gflops,
    double fps,
    double endToEndMs,
    double rssPeakMb,
    double boxAp,
    double fpsMin,
    double fpsMax,
    int repeats,
    double achievedGflops,
    double peakFraction,
    String dtype) {

  /** Reads the figures from a benchmark record. */
  public static SuiteRow of(SuiteCell cell, JsonNode rec) {
    double fps = rec.get("fps").asDouble();
    JsonNode rep = rec.get("repeats");
    JsonNode peak = rec.get("peak");
    JsonNode protocol = rec.get("protocol");
    return new SuiteRow(
        backboneName(cell),
        cell,
        rec.get("params").asLong(),
        rec.has("flops") ? rec.get("flops").asLong() / 1e9 : Double.NaN,
        fps,
        rec.get("latency_ms").get("end_to_end").get("mean").asDouble(),
        rec.get("memory_mb").get("rss_peak").asDouble(),
        rec.has("bbox_mAP") ? rec.get("bbox_mAP").asDouble() : Double.NaN,
        rep == null ? fps : rep.get("fps_min").asDouble(),
        rep == null ? fps : rep.get("fps_max").asDouble(),
        rep == null ? 1 : rep.get("count").asInt(),
        rec.has("achieved_gflops") ? rec.get("achieved_gflops").asDouble() : Double.NaN,
        peak == null ? Double.NaN : peak.get("fraction_of_matmul").asDouble(),
        protocol != null && protocol.has("dtype") ? protocol.get("dtype").asText() : "float32");
  }

  /** The backend with the dtype that ran where it is not float32 or not what the cell asked. */
  public String backendLabel() {
    String label = cell.backend() + (dtype.equals("float32") ? "" : " " + dtype);
    return dtype.equals(cell.dtype()) ? label : label + " (" + cell.dtype() + " asked)";
  }

  /** True when both are repeated runs whose fps ranges overlap: their order is not reliable. */
  public boolean overlaps(SuiteRow o) {
    return repeats > 1 && o.repeats > 1 && fpsMin <= o.fpsMax && o.fpsMin <= fpsMax;
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
