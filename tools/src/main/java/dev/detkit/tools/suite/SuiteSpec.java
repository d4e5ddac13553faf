package dev.detkit.tools.suite;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.detkit.api.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A comparative benchmark grid read from YAML: every config x backend x input size x dtype is one
 * cell.
 *
 * <pre>
 * name: retinanet-backbones-512
 * configs: [../../configs/efficientnet/retinanet_effb0_fpn_8xb4-crop896-1x_coco.yaml, ...]
 * backends: [djl, nd4j]
 * shapes: [[512, 512]]
 * dtypes: [float32, bf16]      # optional, default [float32]
 * num_images: 10
 * warmup: 2
 * </pre>
 *
 * Config paths are relative to the suite file. For a box AP column, give {@code checkpoints}
 * (config file name without extension to checkpoint, relative to the suite file) and {@code
 * test_cfg_options} (the {@code --cfg-options} that point the configs' test dataloader and
 * evaluator at a dataset): each cell with a checkpoint then also runs {@code ./detkit test} in its
 * own JVM.
 *
 * @param name the suite's name (titles the table and plots)
 * @param configs detector configs, one row group each
 * @param backends backend names
 * @param shapes input sizes, {@code [height, width]}; {@code shapes: native} measures each config
 *     at its own {@code image_size} (EfficientDet D0-D7 each at its native size)
 * @param numImages timed images per cell
 * @param warmup untimed warm-up iterations per cell
 * @param checkpoints checkpoint per config file name without extension (absent: no box AP)
 * @param testCfgOptions config overrides for the box AP run
 * @param nativeShapes with {@code shapes: native}, each config's {@code image_size}; else empty
 * @param repeats times every cell is measured, in interleaved rounds (round-robin over the cells,
 *     each run a fresh JVM); the report gives the median and the min-max spread
 * @param peak run each cell with {@code --peak}, so the table shows the fraction of the machine's
 *     attainable rate
 * @param dtypes the {@code --dtype} values, one cell each ({@code float32}, {@code bf16}, {@code
 *     bf16-emulated}); a bf16 cell on a CPU without native bfloat16 runs float32 and says so
 */
public record SuiteSpec(
    String name,
    List<Path> configs,
    List<String> backends,
    List<int[]> shapes,
    int numImages,
    int warmup,
    Map<String, Path> checkpoints,
    List<String> testCfgOptions,
    Map<Path, int[]> nativeShapes,
    int repeats,
    boolean peak,
    List<String> dtypes) {

  /** The checkpoint to measure box AP with, or null. */
  public Path checkpoint(Path config) {
    return checkpoints.get(config.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
  }

  /** Reads a suite file; errors name the file, the line and the key. */
  public static SuiteSpec load(Path file) {
    Config c = new ConfigLoader().load(file, List.of()).typesafe();
    try {
      Path dir = file.toAbsolutePath().getParent();
      List<Path> configs = new ArrayList<>();
      for (String s : c.getStringList("configs")) {
        configs.add(dir.resolve(s).normalize());
      }
      List<int[]> shapes = new ArrayList<>();
      Map<Path, int[]> nativeShapes = new LinkedHashMap<>();
      boolean nativeSizes =
          c.getValue("shapes").unwrapped() instanceof String word && word.equals("native");
      for (Path config : nativeSizes ? configs : List.<Path>of()) {
        nativeShapes.put(config, imageSize(file, config));
      }
      for (ConfigValue v : nativeSizes ? List.<ConfigValue>of() : c.getList("shapes")) {
        if (!(v.unwrapped() instanceof List<?> hw)
            || hw.size() != 2
            || !(hw.get(0) instanceof Number h)
            || !(hw.get(1) instanceof Number w)) {
          throw new dev.detkit.api.config.ConfigException(
              file + ": shapes: expected [height, width] pairs, got " + v.render());
        }
        shapes.add(new int[] {h.intValue(), w.intValue()});
      }
      SuiteSpec spec =
          new SuiteSpec(
              c.hasPath("name") ? c.getString("name") : file.getFileName().toString(),
              configs,
              c.hasPath("backends") ? c.getStringList("backends") : List.of("djl"),
              shapes,
              c.hasPath("num_images") ? c.getInt("num_images") : 10,
              c.hasPath("warmup") ? c.getInt("warmup") : 2,
              checkpoints(c, dir),
              c.hasPath("test_cfg_options") ? c.getStringList("test_cfg_options") : List.of(),
              nativeShapes,
              c.hasPath("repeats") ? c.getInt("repeats") : 1,
              c.hasPath("peak") && c.getBoolean("peak"),
              c.hasPath("dtypes") ? c.getStringList("dtypes") : List.of("float32"));
      for (String d : spec.dtypes()) {
        if (!dev.detkit.api.backend.ComputePrecision.NAMES.contains(d)) {
          throw new dev.detkit.api.config.ConfigException(
              file + ": dtypes: expected float32, bf16 or bf16-emulated, got '" + d + "'");
        }
      }
      if (spec.repeats() < 1) {
        throw new dev.detkit.api.config.ConfigException(file + ": repeats must be at least 1");
      }
      if (configs.isEmpty()
          || spec.backends.isEmpty()
          || spec.dtypes.isEmpty()
          || (shapes.isEmpty() && !nativeSizes)) {
        throw new dev.detkit.api.config.ConfigException(
            file + ": configs, backends, shapes and dtypes must each name at least one entry");
      }
      return spec;
    } catch (ConfigException e) {
      throw new dev.detkit.api.config.ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  /** A config's top-level {@code image_size} ([h, w]), for {@code shapes: native}. */
  private static int[] imageSize(Path suite, Path config) {
    var node = new ConfigLoader().load(config).at("image_size");
    Object v = node == null ? null : node.unwrapped();
    if (v instanceof List<?> hw
        && hw.size() == 2
        && hw.get(0) instanceof Number h
        && hw.get(1) instanceof Number w) {
      return new int[] {h.intValue(), w.intValue()};
    }
    throw new dev.detkit.api.config.ConfigException(
        suite + ": shapes: native needs an image_size [h, w] in " + config);
  }

  private static Map<String, Path> checkpoints(Config c, Path dir) {
    Map<String, Path> out = new LinkedHashMap<>();
    if (c.hasPath("checkpoints")) {
      c.getObject("checkpoints")
          .unwrapped()
          .forEach((k, v) -> out.put(k, dir.resolve(String.valueOf(v)).normalize()));
    }
    return out;
  }

  /** The grid, config-major (the order of the table). */
  public List<SuiteCell> cells() {
    List<SuiteCell> out = new ArrayList<>();
    for (Path config : configs) {
      for (int[] s : nativeShapes.isEmpty() ? shapes : List.of(nativeShapes.get(config))) {
        for (String backend : backends) {
          for (String dtype : dtypes) {
            out.add(new SuiteCell(config, backend, s[0], s[1], dtype));
          }
        }
      }
    }
    return out;
  }
}
