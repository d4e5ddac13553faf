package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.detectors.SingleStageDetector;
import dev.detkit.heads.HeadOutputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every config under configs/ (except _base_) builds its model (no pretrained weights) and runs
 * forward on a 1x3x128x128 input on DJL: one map per level for each head output, finite values. A
 * new config needs no code here.
 */
class ConfigZooTest {
  static final Path CONFIGS = Path.of("../configs");

  static Stream<String> configs() throws IOException {
    try (Stream<Path> s = Files.walk(CONFIGS)) {
      List<String> all =
          s.filter(p -> p.toString().endsWith(".yaml"))
              .filter(p -> !CONFIGS.relativize(p).startsWith("_base_"))
              .map(p -> CONFIGS.relativize(p).toString())
              .sorted()
              .toList();
      return all.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void buildsAndRunsForward(String config) {
    ResolvedConfig cfg = new ConfigLoader().load(CONFIGS.resolve(config));
    Backend b = Backends.get("djl");
    Registry r = Registry.get();
    try (SingleStageDetector net =
            r.build(
                ComponentKind.DETECTOR,
                cfg.map("model"),
                "model",
                SingleStageDetector.class,
                new BuildContext(r, b));
        TensorScope scope = TensorScope.open()) {
      net.train(false);
      HeadOutputs out = net.forward(b.zeros(DType.FLOAT32, 1, 3, 128, 128).add(0.5));
      int levels = net.head().priorGenerator().numLevels();
      for (String name : out.names()) {
        assertEquals(levels, out.get(name).size(), config + " " + name);
        for (Tensor t : out.get(name)) {
          for (float v : t.toFloatArray()) {
            assertTrue(Float.isFinite(v), config + " " + name + " has a non-finite value");
          }
        }
      }
    }
  }
}
