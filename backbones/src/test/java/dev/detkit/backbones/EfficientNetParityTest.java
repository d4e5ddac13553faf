package dev.detkit.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.model.Backbone;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EfficientNet-b0 against mmdetection's own outputs (fixture retinanet_effb0_small): weights from
 * .safetensors and .pth, inputs at 224x320 and at odd sizes (TF-SAME on odd and even inputs, batch
 * 2), on every backend. Tolerance: 1e-5 relative to each tensor's max magnitude (two correct
 * float32 runs differ by 3e-6 here).
 */
class EfficientNetParityTest {
  static final String FIXTURE = "retinanet_effb0_small";
  static final double TOL = 1e-5;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("djl", "weights.safetensors"),
        Arguments.of("djl", "weights.pth"),
        Arguments.of("nd4j", "weights.safetensors"),
        Arguments.of("nd4j", "weights.pth"));
  }

  static EfficientNet build(Backend b) {
    CfgMap cfg =
        (CfgMap)
            Yaml.parseValue(
                "{type: EfficientNet, arch: b0, drop_path_rate: 0.0, out_indices: [3, 4, 5], frozen_stages: 0,"
                    + " norm_cfg: {type: BN, requires_grad: true, eps: 0.001, momentum: 0.01}, norm_eval: false}",
                new Origin("fixture meta.json", 0));
    Registry r = TestRuntime.registry();
    return (EfficientNet)
        r.build(
            ComponentKind.BACKBONE, cfg, "model.backbone", Backbone.class, new BuildContext(r, b));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void backboneMatchesMmdetection(String backend, String weights) {
    Backend b = TestRuntime.backend(backend);
    Path dir = Fixtures.dir(FIXTURE);
    try (EfficientNet net = build(b);
        TensorScope scope = TensorScope.open()) {
      Map<String, TensorData> sd =
          Checkpoints.withPrefix(Checkpoints.load(dir.resolve(weights)), "backbone");
      LoadReport report = net.loadStateDict(sd, b, true, weights);
      assertTrue(report.isClean(), report.toString());
      Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
      List<Tensor> outs = net.forward(io.get("inputs").toTensor(b));
      assertEquals(3, outs.size());
      for (int i = 0; i < 3; i++) {
        Fixtures.Error e =
            Fixtures.assertClose(
                outs.get(i), io.get("backbone." + i), TOL, backend + " backbone." + i);
        System.out.printf(
            "parity %s %s backbone.%d max_rel %.2e max_abs %.2e%n",
            backend, weights, i, e.maxRel(), e.maxAbs());
      }
      Map<String, TensorData> odd = Fixtures.tensors(FIXTURE, "odd.safetensors");
      for (int j = 0; j < 2; j++) {
        List<Tensor> o = net.forward(odd.get("odd_inputs." + j).toTensor(b));
        for (int i = 0; i < 3; i++) {
          Fixtures.assertClose(
              o.get(i),
              odd.get("odd." + j + ".backbone." + i),
              TOL,
              backend + " odd." + j + ".backbone." + i);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void stateDictKeysAndShapesAreMmdetections(String backend, String weights) {
    Backend b = TestRuntime.backend(backend);
    Path dir = Fixtures.dir(FIXTURE);
    try (EfficientNet net = build(b)) {
      Map<String, TensorData> sd =
          Checkpoints.withPrefix(Checkpoints.load(dir.resolve(weights)), "backbone");
      Map<String, String> expected = new TreeMap<>();
      sd.forEach((k, v) -> expected.put(k, v.shape().toString()));
      Map<String, String> actual = new TreeMap<>();
      for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
        actual.put(e.getKey(), e.getValue().shape().toString());
      }
      assertEquals(expected, actual);
      assertEquals(352, actual.size());
      assertEquals(3_595_388, net.parameterCount());
    }
  }
}
