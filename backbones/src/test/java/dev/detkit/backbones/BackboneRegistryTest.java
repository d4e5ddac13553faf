package dev.detkit.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.model.Backbone;
import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every registered backbone and variant, built from config: reported channels and strides match a
 * forward pass, parameter counts match the reference (timm's test_models idea).
 */
class BackboneRegistryTest {
  static final Registry REGISTRY = TestRuntime.registry();
  static final Backend DJL = TestRuntime.backend("djl");

  static Backbone build(String yaml) {
    CfgMap cfg = (CfgMap) Yaml.parseValue(yaml, new Origin("test", 0));
    return REGISTRY.build(
        ComponentKind.BACKBONE,
        cfg,
        "model.backbone",
        Backbone.class,
        new BuildContext(REGISTRY, DJL));
  }

  /** Every registered backbone with every variant it has. */
  static Stream<Arguments> variants() {
    List<Arguments> out = new ArrayList<>();
    for (ComponentSpec<?, ?> s : REGISTRY.specs(ComponentKind.BACKBONE)) {
      switch (s.name()) {
        case "EfficientNet" -> {
          EfficientNetArch.NAMES.forEach(
              a ->
                  out.add(
                      Arguments.of(
                          "{type: EfficientNet, arch: "
                              + a
                              + ", out_indices: [0, 1, 2, 3, 4, 5, 6]}")));
          out.add(
              Arguments.of(
                  "{type: EfficientNet, arch: b0, norm_cfg: {type: GN, num_groups: 8},"
                      + " out_indices: [2, 3, 4, 5]}"));
        }
        case "ResNet" ->
            List.of(18, 34, 50, 101)
                .forEach(d -> out.add(Arguments.of("{type: ResNet, depth: " + d + "}")));
        default ->
            throw new AssertionError(
                "no variants listed for backbone " + s.name() + ": add them here");
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void reportedChannelsAndStridesMatchAForwardPass(String yaml) {
    Backbone net = build(yaml);
    try (TensorScope scope = TensorScope.open()) {
      int h = 64;
      int w = 96;
      List<Tensor> outs = net.forward(DJL.ones(DType.FLOAT32, 1, 3, h, w));
      List<FeatureInfo> info = net.featureInfo();
      assertEquals(info.size(), outs.size());
      for (int i = 0; i < outs.size(); i++) {
        assertEquals(
            info.get(i).channels(), outs.get(i).dim(1), yaml + " output " + i + " channels");
        int s = info.get(i).stride();
        assertEquals((h + s - 1) / s, outs.get(i).dim(2), yaml + " output " + i + " height");
        assertEquals((w + s - 1) / s, outs.get(i).dim(3), yaml + " output " + i + " width");
      }
    } finally {
      ((Module) net).close();
    }
  }

  static long params(String yaml) {
    Backbone net = build(yaml);
    try {
      return ((Module) net).parameterCount();
    } finally {
      ((Module) net).close();
    }
  }

  @Test
  void efficientNetParameterCountsMatchTheReference() {
    assertEquals(3_595_388, params("{type: EfficientNet, arch: b0, out_indices: [3, 4, 5]}"));
    assertEquals(10_103_336, params("{type: EfficientNet, arch: b3, out_indices: [3, 4, 5]}"));
    assertEquals(10_696_232, params("{type: EfficientNet, arch: b3, out_indices: [3, 4, 5, 6]}"));
    assertEquals(4_007_548, params("{type: EfficientNet, arch: b0, out_indices: [6]}"));
    assertEquals(62_143_440, params("{type: EfficientNet, arch: b7, out_indices: [3, 4, 5]}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "b0:40,112,320",
        "b3:48,136,384",
        "b7:80,224,640",
        "b8:88,248,704",
        "es:48,144,192",
        "em:48,144,192",
        "el:56,176,232"
      })
  void efficientNetChannelsAtOutIndices345(String spec) {
    String[] p = spec.split(":");
    Backbone net = build("{type: EfficientNet, arch: " + p[0] + ", out_indices: [3, 4, 5]}");
    try {
      List<Integer> ch = net.featureInfo().stream().map(FeatureInfo::channels).toList();
      assertEquals(List.of(p[1].split(",")).stream().map(Integer::valueOf).toList(), ch);
      assertEquals(
          List.of(8, 16, 32), net.featureInfo().stream().map(FeatureInfo::stride).toList());
    } finally {
      ((Module) net).close();
    }
  }

  @Test
  void resNetParameterCountsMatchTorchvision() {
    // torchvision's resnet50 / resnet18 less their fc layers.
    assertEquals(23_508_032, params("{type: ResNet, depth: 50}"));
    assertEquals(11_176_512, params("{type: ResNet, depth: 18}"));
  }

  @Test
  void badArgumentsAreConfigErrors() {
    ConfigException arch =
        assertThrows(ConfigException.class, () -> build("{type: EfficientNet, arch: b9}"));
    assertTrue(arch.getMessage().contains("arch 'b9' is not one of b0, b1"), arch.getMessage());
    ConfigException idx =
        assertThrows(ConfigException.class, () -> build("{type: EfficientNet, out_indices: [7]}"));
    assertTrue(idx.getMessage().contains("out_indices entry 7"), idx.getMessage());
    ConfigException depth =
        assertThrows(ConfigException.class, () -> build("{type: ResNet, depth: 42}"));
    assertTrue(depth.getMessage().contains("depth 42"), depth.getMessage());
    ConfigException norm =
        assertThrows(
            ConfigException.class, () -> build("{type: EfficientNet, norm_cfg: {type: LN}}"));
    assertTrue(norm.getMessage().contains("norm_cfg.type 'LN'"), norm.getMessage());
    for (String[] c :
        new String[][] {
          {"{type: EfficientNet, norm_cfg: {type: GN}}", "GN needs num_groups"},
          {"{type: EfficientNet, norm_cfg: {type: BN, num_groups: 4}}", "applies to type GN"},
          {"{type: EfficientNet, norm_cfg: {type: GN, num_groups: 7}}", "num_groups=7"},
          {"{type: ResNet, depth: 18, norm_cfg: {type: GN, num_groups: 8}}", "ResNet: norm_cfg"}
        }) {
      ConfigException e = assertThrows(ConfigException.class, () -> build(c[0]));
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
    }
  }

  /**
   * GN (mmdetection's from-scratch choice): mmcv names the layers {@code gn}, there are no running
   * statistics, and an image's features do not depend on the rest of the batch.
   */
  @Test
  void groupNormEfficientNetHasGnKeysAndBatchIndependentFeatures() {
    Backbone net = build("{type: EfficientNet, arch: b0, norm_cfg: {type: GN, num_groups: 8}}");
    try (TensorScope scope = TensorScope.open()) {
      Module m = (Module) net;
      assertTrue(
          m.stateDict().containsKey("layers.0.gn.weight"), m.stateDict().keySet().toString());
      assertTrue(m.stateDict().keySet().stream().noneMatch(k -> k.contains("running_")));
      m.train(true);
      java.util.Random rnd = new java.util.Random(3);
      float[] two = new float[2 * 3 * 64 * 64];
      for (int i = 0; i < two.length; i++) {
        two[i] = (float) rnd.nextGaussian();
      }
      float[] first = java.util.Arrays.copyOf(two, two.length / 2);
      Tensor pair = net.forward(DJL.fromFloats(two, 2, 3, 64, 64)).get(0);
      Tensor alone = net.forward(DJL.fromFloats(first, 1, 3, 64, 64)).get(0);
      float[] a = pair.slice(0, 0, 1).toFloatArray();
      float[] b = alone.toFloatArray();
      for (int i = 0; i < b.length; i++) {
        assertEquals(b[i], a[i], 1e-4 * (1 + Math.abs(b[i])), "element " + i);
      }
    } finally {
      ((Module) net).close();
    }
  }

  @Test
  void frozenStagesAndNormEval() {
    EfficientNet net =
        (EfficientNet)
            build(
                "{type: EfficientNet, arch: b0, out_indices: [3], frozen_stages: 2, norm_eval: true}");
    try {
      net.train(true);
      assertTrue(!net.layers().get(0).isTraining() && !net.layers().get(1).isTraining());
      assertTrue(net.layers().get(2).isTraining(), "stage 2 trains");
      net.namedParameters()
          .forEach(
              (k, p) -> {
                if (k.startsWith("layers.0.") || k.startsWith("layers.1.")) {
                  assertTrue(!p.isTrainable(), k + " frozen");
                }
              });
      net.apply(
          m -> {
            if (m instanceof dev.detkit.api.nn.BatchNorm2d bn) {
              assertTrue(!bn.isTraining(), "norm_eval keeps BN in eval");
            }
          });
    } finally {
      net.close();
    }
  }

  /**
   * mmdet's default init zeroes the last norm of every residual block; a given init_cfg keeps it.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{type: ResNet, depth: 18, init_cfg: null}|layer1.0.bn2.weight|0",
        "{type: ResNet, depth: 50, init_cfg: null}|layer4.2.bn3.weight|0",
        "{type: ResNet, depth: 50, init_cfg: null, zero_init_residual: false}|layer2.0.bn3.weight|1",
        "{type: ResNet, depth: 50, init_cfg: {type: Kaiming}}|layer3.1.bn3.weight|1",
        "{type: ResNet, depth: 50, init_cfg: null}|layer3.1.bn2.weight|1"
      })
  void resnetZeroInitResidualFollowsMmdet(String row) {
    String[] p = row.split("\\|");
    Module net = (Module) build(p[0]);
    float[] w = net.namedParameters().get(p[1]).get().toFloatArray();
    for (float v : w) {
      assertEquals(Float.parseFloat(p[2]), v, 0f, p[1]);
    }
    net.close();
  }
}
