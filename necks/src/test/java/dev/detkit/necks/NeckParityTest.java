package dev.detkit.necks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.model.InputShapeException;
import dev.detkit.api.model.Neck;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PAFPN and BiFPN built from config against mmdetection 3.3's own outputs
 * (fixtures/efficientdet_d0_small): the three PAFPN cases on even and odd sizes to 1e-5, and every
 * BiFPN stage of EfficientDet-D0 to 1e-5 (the bound is 1e-4).
 */
class NeckParityTest {
  static final String FIXTURE = "efficientdet_d0_small";
  static final Backend B = TestRuntime.backend("djl");

  static Module build(String yaml) {
    Registry r = TestRuntime.registry();
    CfgMap cfg = (CfgMap) Yaml.parseValue(yaml, new Origin("test.yaml", 1));
    return (Module)
        r.build(ComponentKind.NECK, cfg, "model.neck", Neck.class, new BuildContext(r, B));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "on_input, even, 'add_extra_convs: on_input'",
    "on_input, odd, 'add_extra_convs: on_input'",
    "on_output_bn_relu, even, 'add_extra_convs: on_output, relu_before_extra_convs: true, norm_cfg: {type: BN, requires_grad: true}'",
    "on_output_bn_relu, odd, 'add_extra_convs: on_output, relu_before_extra_convs: true, norm_cfg: {type: BN, requires_grad: true}'",
    "maxpool, even, 'add_extra_convs: false'",
    "maxpool, odd, 'add_extra_convs: false'"
  })
  void pafpnMatchesMmdetection(String name, String size, String options) {
    Map<String, TensorData> fx = Fixtures.tensors(FIXTURE, "pafpn.safetensors");
    try (Module neck =
            build(
                "{type: PAFPN, in_channels: [40, 112, 320], out_channels: 64, num_outs: 5, "
                    + options
                    + "}");
        TensorScope scope = TensorScope.open()) {
      neck.eval();
      // The max-pool case has no extra convs; its weights are the on_input case's (meta.json).
      String prefix = name.equals("maxpool") ? "on_input" : name;
      var report = neck.loadStateDict(Checkpoints.withPrefix(fx, prefix + ".neck"), B, false, name);
      assertEquals(List.of(), report.missing());
      assertEquals(
          name.equals("maxpool") ? 4 : 0,
          report.unexpected().size(),
          report.unexpected().toString());
      List<Tensor> in = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        in.add(fx.get("inputs." + size + "." + i).toTensor(B));
      }
      List<Tensor> out = ((Neck) neck).forward(in);
      assertEquals(5, out.size());
      double worst = 0;
      for (int l = 0; l < 5; l++) {
        worst =
            Math.max(
                worst,
                Fixtures.assertClose(
                        out.get(l), fx.get(name + ".out." + size + "." + l), 1e-5, name + " " + l)
                    .maxRel());
      }
      System.out.printf("PAFPN %s %s: max rel error %.2e%n", name, size, worst);
    }
  }

  /**
   * ChannelMapper against its semantics in plain PyTorch
   * (src/test/resources/make_channel_mapper.py: GN + ReLU convs, two stride-2 extra levels, odd
   * sizes); mmdet's fixtures have no case of it.
   */
  @Test
  void channelMapperMatchesPyTorch() throws java.io.IOException {
    Map<String, TensorData> fx =
        dev.detkit.api.checkpoint.Safetensors.read(
            java.nio.file.Path.of("src/test/resources/channel_mapper.safetensors"));
    try (Module neck =
            build(
                "{type: ChannelMapper, in_channels: [8, 16, 32], out_channels: 16, num_outs: 5,"
                    + " norm_cfg: {type: GN, num_groups: 4}}");
        TensorScope scope = TensorScope.open()) {
      neck.eval();
      Map<String, TensorData> weights = new LinkedHashMap<>(fx);
      weights.keySet().removeIf(k -> k.startsWith("inputs.") || k.startsWith("out."));
      neck.loadStateDict(weights, B, true, "channel_mapper.safetensors");
      List<Tensor> in = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        in.add(fx.get("inputs." + i).toTensor(B));
      }
      List<Tensor> out = ((Neck) neck).forward(in);
      assertEquals(5, out.size());
      double worst = 0;
      for (int l = 0; l < 5; l++) {
        worst =
            Math.max(
                worst,
                Fixtures.assertClose(out.get(l), fx.get("out." + l), 1e-5, "level " + l).maxRel());
      }
      System.out.printf("ChannelMapper: max rel error %.2e%n", worst);
    }
  }

  static Module bifpn(int stages) {
    return build(
        "{type: BiFPN, num_stages: "
            + stages
            + ", in_channels: [40, 112, 320], out_channels: 64, start_level: 0,"
            + " norm_cfg: {type: BN, requires_grad: true, eps: 0.001, momentum: 0.01}}");
  }

  /** Stages 0, 1 and 2 (the neck's output), each checked by building that many stages. */
  @ParameterizedTest(name = "{0} stage(s)")
  @CsvSource({"1, neck.stage0.", "2, neck.stage1.", "3, neck."})
  void bifpnStagesMatchMmdetection(int stages, String prefix) {
    Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
    Map<String, TensorData> weights = Fixtures.tensors(FIXTURE, "weights.safetensors");
    Map<String, TensorData> own = new LinkedHashMap<>();
    Checkpoints.withPrefix(weights, "neck")
        .forEach(
            (k, v) -> {
              int stage = Integer.parseInt(k.split("\\.")[1]);
              if (stage < stages) {
                own.put(k, v);
              }
            });
    try (Module neck = bifpn(stages);
        TensorScope scope = TensorScope.open()) {
      neck.eval();
      neck.loadStateDict(own, B, true, "weights.safetensors");
      List<Tensor> in = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        in.add(io.get("backbone." + i).toTensor(B));
      }
      List<Tensor> out = ((Neck) neck).forward(in);
      double worst = 0;
      for (int l = 0; l < 5; l++) {
        worst =
            Math.max(
                worst,
                Fixtures.assertClose(out.get(l), io.get(prefix + l), 1e-5, prefix + l).maxRel());
      }
      System.out.printf("BiFPN %s*: max rel error %.2e%n", prefix, worst);
    }
  }

  @Test
  void bifpnReportsItsLevelsAndParameters() {
    try (Module neck = bifpn(3)) {
      assertEquals(196_281, neck.parameterCount(), "the reference's D0 neck count");
      assertEquals(258, neck.stateDict().size());
      assertEquals(
          List.of(64, 64, 64, 64, 64),
          ((Neck) neck).featureInfo().stream().map(f -> f.channels()).toList());
    }
  }

  @Test
  void bifpnRefusesSizesThatDoNotHalveNamingThem() {
    try (Module neck = bifpn(1);
        TensorScope scope = TensorScope.open()) {
      // A 320x320 input: C3 40x40, which mmdet fails on deep in a broadcast.
      List<Tensor> in =
          List.of(
              B.zeros(DType.FLOAT32, 1, 40, 40, 40),
              B.zeros(DType.FLOAT32, 1, 112, 20, 20),
              B.zeros(DType.FLOAT32, 1, 320, 10, 10));
      InputShapeException e =
          assertThrows(InputShapeException.class, () -> ((Neck) neck).forward(in));
      assertTrue(e.getMessage().contains("40x40, 20x20, 10x10"), e.getMessage());
      assertTrue(e.getMessage().contains("(128k - 8, 128k]"), e.getMessage());
    }
  }

  @Test
  void badStageCountAndFusionWeightShapesAreOneLineErrors() {
    ConfigException zero =
        assertThrows(
            ConfigException.class,
            () ->
                build(
                    "{type: BiFPN, num_stages: 0, in_channels: [40, 112, 320], out_channels: 64}"));
    assertTrue(zero.getMessage().contains("num_stages must be at least 1"), zero.getMessage());
    Map<String, TensorData> weights =
        new LinkedHashMap<>(
            Checkpoints.withPrefix(Fixtures.tensors(FIXTURE, "weights.safetensors"), "neck"));
    weights.put("bifpn.0.p6_w1", weights.get("bifpn.0.p6_w2"));
    try (Module neck = bifpn(3)) {
      CheckpointException e =
          assertThrows(
              CheckpointException.class,
              () -> neck.loadStateDict(weights, B, true, "w.safetensors"));
      assertTrue(
          e.getMessage().contains("bifpn.0.p6_w1: checkpoint [3], model [2]"), e.getMessage());
    }
  }
}
