package dev.detkit.export;

import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.CfgPrinter;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.util.Json;
import dev.detkit.detectors.SingleStageDetector;
import dev.detkit.heads.PriorGenerator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an exported file carries in its {@code metadata_props} so that it can be used without the
 * config file: the resolved config itself (from which {@code ./detkit infer --model} rebuilds the
 * test pipeline and the head's post-processing) and, for other consumers, the parts they need
 * spelled out: class names, strides, prior settings, box coder, test_cfg, normalisation.
 */
public final class ExportMetadata {
  public static final String FORMAT = "detkit.format";
  public static final String FORMAT_VALUE = "detkit-dense-head-outputs/1";
  public static final String CONFIG = "detkit.config";
  public static final String CONFIG_SHA256 = "detkit.config_sha256";
  public static final String CLASSES = "detkit.classes";
  public static final String INPUT = "detkit.input";
  public static final String OUTPUTS = "detkit.outputs";

  private ExportMetadata() {}

  public static Map<String, String> of(
      ResolvedConfig cfg,
      SingleStageDetector det,
      List<String> classes,
      String checkpoint,
      int[] inputShape,
      boolean dynamic,
      List<String> outputs) {
    String json = CfgPrinter.json(cfg.root(), false);
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FORMAT, FORMAT_VALUE);
    m.put(CONFIG_SHA256, sha256(json));
    m.put("detkit.config_file", cfg.file() == null ? "" : cfg.file().toString());
    m.put("detkit.checkpoint", checkpoint == null ? "" : checkpoint);
    m.put(CLASSES, Json.compact(classes));
    m.put("detkit.num_classes", String.valueOf(det.head().numClasses()));
    PriorGenerator pg = det.head().priorGenerator();
    List<Integer> strides = new ArrayList<>();
    for (int l = 0; l < pg.numLevels(); l++) {
      strides.add(pg.stride(l));
    }
    m.put("detkit.strides", Json.compact(strides));
    m.put("detkit.num_base_priors", String.valueOf(pg.numBasePriors()));
    for (String key : new String[] {"anchor_generator", "prior_generator", "bbox_coder"}) {
      putSection(m, "detkit." + key, cfg.at("model.bbox_head." + key));
    }
    putSection(m, "detkit.test_cfg", cfg.at("model.test_cfg"));
    putSection(m, "detkit.data_preprocessor", cfg.at("model.data_preprocessor"));
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("name", DetectorExporter.INPUT);
    in.put("shape", inputShape);
    in.put("dynamic", dynamic);
    in.put("layout", "NCHW float32, normalised by the data preprocessor");
    m.put(INPUT, Json.compact(in));
    m.put(OUTPUTS, Json.compact(outputs));
    m.put(CONFIG, json);
    return m;
  }

  private static void putSection(Map<String, String> m, String key, CfgNode n) {
    if (n instanceof CfgMap map) {
      m.put(key, CfgPrinter.json(map, false).strip());
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
