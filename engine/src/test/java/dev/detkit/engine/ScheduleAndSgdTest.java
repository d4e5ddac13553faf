package dev.detkit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.config.CfgList;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.BatchNorm2d;
import dev.detkit.api.nn.Conv2d;
import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.Init;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.engine.optim.ParamGroup;
import dev.detkit.engine.optim.ParamwiseCfg;
import dev.detkit.engine.optim.Sgd;
import dev.detkit.engine.sched.LrSchedule;
import dev.detkit.engine.sched.ParamScheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** mmengine's schedule arithmetic and torch's SGD update, from the seed config and by formula. */
class ScheduleAndSgdTest {
  static final Path SEED =
      Path.of(
          System.getProperty("detkit.root", ".."),
          "configs/efficientnet/retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml");

  static LrSchedule seedSchedule() {
    ResolvedConfig cfg = new ConfigLoader().load(SEED);
    Registry r = TestRuntime.registry();
    BuildContext ctx = new BuildContext(r, TestRuntime.backend("djl"));
    List<ParamScheduler> s = new ArrayList<>();
    CfgList list = (CfgList) cfg.at("param_scheduler");
    for (int i = 0; i < list.size(); i++) {
      s.add(
          r.build(
              ComponentKind.PARAM_SCHEDULER,
              (CfgMap) list.get(i),
              "param_scheduler." + i,
              ParamScheduler.class,
              ctx));
    }
    return new LrSchedule(0.04, s);
  }

  @Test
  void seedScheduleFollowsMmengineWarmupAndSteps() {
    LrSchedule s = seedSchedule();
    // reference §1.4: lr_t = 0.04 (0.1 + 0.9 t / 1000) during warm-up (mmengine steps while t <
    // end)
    for (int t : new int[] {0, 1, 500, 999}) {
      assertEquals(0.04 * (0.1 + 0.9 * t / 1000.0), s.lr(t, 0), 1e-12, "warm-up iter " + t);
    }
    double plateau = 0.04 * (0.1 + 0.9 * 999 / 1000.0);
    assertEquals(plateau, s.lr(1000, 0), 1e-12, "after warm-up the last factor stays");
    assertEquals(plateau, s.lr(30000, 7), 1e-12, "epoch 8 (1-based) still at base");
    assertEquals(plateau * 0.1, s.lr(30000, 8), 1e-12, "x0.1 from the 9th epoch");
    assertEquals(plateau * 0.01, s.lr(40000, 11), 1e-12, "x0.01 in the 12th epoch");
  }

  @Test
  void sgdMatchesTorchFormulaAndParamwiseRules() {
    Backend b = TestRuntime.backend("djl");
    try (TensorScope scope = TensorScope.open();
        Toy toy = new Toy(b)) {
      toy.requireGradients();
      ParamwiseCfg pw = new ParamwiseCfg(0.0, null, null, false, null);
      List<ParamGroup> groups = pw.groups(toy);
      assertEquals(3, groups.size(), "conv weight, bn weight, bn bias");
      for (ParamGroup g : groups) {
        assertEquals(g.name().startsWith("bn.") ? 0.0 : 1.0, g.decayMult(), g.name());
      }
      double lr = 0.1;
      double m = 0.9;
      double wd = 0.01;
      float[] w = toy.conv.weight().get().toFloatArray();
      float[] buf = null;
      try (Sgd sgd = new Sgd(new Sgd.Args(lr, m, wd, 0, false), groups)) {
        for (int step = 0; step < 3; step++) {
          float[] grad;
          try (GradientScope g = b.recordGradients()) {
            Tensor loss = toy.forward(b.ones(dev.detkit.api.tensor.DType.FLOAT32, 1, 2, 4, 4));
            loss.backward();
            grad = toy.conv.weight().get().grad().toFloatArray();
          }
          sgd.step(lr);
          float[] d = new float[w.length];
          for (int i = 0; i < w.length; i++) {
            d[i] = (float) (grad[i] + wd * w[i]);
          }
          if (buf == null) {
            buf = d.clone();
          } else {
            for (int i = 0; i < w.length; i++) {
              buf[i] = (float) (m * buf[i] + d[i]);
            }
          }
          for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] - lr * buf[i]);
          }
          float[] actual = toy.conv.weight().get().toFloatArray();
          for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], actual[i], 1e-5 * Math.max(1, Math.abs(w[i])), "step " + step);
          }
          for (ParamGroup g : groups) {
            g.param().get().zeroGrad();
          }
        }
        Map<String, dev.detkit.api.checkpoint.TensorData> state = sgd.state();
        assertTrue(state.containsKey("conv.weight.momentum_buffer"), state.keySet().toString());
        // A checkpoint whose optimizer state does not fit the model: the user's file, exit 2.
        var e =
            assertThrows(
                dev.detkit.api.checkpoint.CheckpointException.class,
                () ->
                    sgd.loadState(
                        Map.of("nope.momentum_buffer", state.values().iterator().next())));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
      }
    }
  }

  /** The eval-mode BN folding must see weights and statistics that training changed in place. */
  @Test
  void evalAfterTrainingStepsUsesTheUpdatedWeights() {
    Backend b = TestRuntime.backend("djl");
    try (TensorScope scope = TensorScope.open();
        ConvBlock net = new ConvBlock(b);
        ConvBlock fresh = new ConvBlock(b)) {
      Tensor x = Init.normal(b, new Random(3), 1.0, 2, 2, 5, 5);
      net.eval();
      net.block.forward(x); // builds the folded conv
      net.train(true);
      net.requireGradients();
      List<ParamGroup> groups = ParamwiseCfg.none().groups(net);
      try (Sgd sgd = new Sgd(new Sgd.Args(0.5, 0.9, 0, 0, false), groups)) {
        for (int i = 0; i < 2; i++) {
          try (GradientScope g = b.recordGradients()) {
            Tensor y = net.block.forward(x);
            y.mul(y).sum().backward();
          }
          sgd.step(0.5);
        }
      }
      net.eval();
      Map<String, dev.detkit.api.checkpoint.TensorData> sd = new java.util.LinkedHashMap<>();
      net.stateDict().forEach((k, t) -> sd.put(k, dev.detkit.api.checkpoint.TensorData.of(t)));
      fresh.loadStateDict(sd, b, true, "trained");
      fresh.eval();
      float[] expected = fresh.block.forward(x).toFloatArray();
      float[] actual = net.block.forward(x).toFloatArray();
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-5, "element " + i);
      }
    }
  }

  /** One ConvModule (conv, BN, ReLU): folded in eval mode. */
  static final class ConvBlock extends Module {
    final ConvModule block;

    ConvBlock(Backend b) {
      block =
          register(
              "block",
              ConvModule.builder(b, new Random(2), 2, 3)
                  .kernel(3)
                  .padding(1)
                  .norm(new NormCfg("BN", 1e-5, 0.1, true))
                  .act(Activation.RELU)
                  .build());
    }
  }

  /** mmengine counts GroupNorm as a norm layer for norm_decay_mult, as it does BN. */
  @Test
  void normDecayMultAppliesToGroupNorm() {
    Backend b = TestRuntime.backend("djl");
    try (TensorScope scope = TensorScope.open();
        GnBlock net = new GnBlock(b)) {
      List<ParamGroup> groups = new ParamwiseCfg(0.0, null, null, false, null).groups(net);
      assertEquals(
          List.of("block.conv.weight", "block.gn.weight", "block.gn.bias"),
          groups.stream().map(ParamGroup::name).toList());
      for (ParamGroup g : groups) {
        assertEquals(g.name().contains(".gn.") ? 0.0 : 1.0, g.decayMult(), g.name());
      }
    }
  }

  @Test
  void sharedParametersNeedBypassDuplicate() {
    Backend b = TestRuntime.backend("djl");
    try (TensorScope scope = TensorScope.open();
        Tied tied = new Tied(b)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new ParamwiseCfg(null, null, null, false, null).groups(tied));
      assertTrue(e.getMessage().contains("bypass_duplicate"), e.getMessage());
      assertEquals(1, new ParamwiseCfg(null, null, null, true, null).groups(tied).size());
      // Without a paramwise_cfg mmengine passes model.parameters(): the shared one is listed once.
      assertEquals(1, ParamwiseCfg.none().groups(tied).size());
      assertTrue(new ParamwiseCfg(null, null, null, false, null).isEmpty());
    }
  }

  @Test
  void badSchedulerArgumentsAreRejected() {
    ResolvedConfig cfg = new ConfigLoader().load(SEED, List.of("param_scheduler.0.end=0"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                TestRuntime.registry()
                    .build(
                        ComponentKind.PARAM_SCHEDULER,
                        (CfgMap) cfg.at("param_scheduler.0"),
                        "param_scheduler.0",
                        ParamScheduler.class,
                        new BuildContext(TestRuntime.registry(), TestRuntime.backend("djl"))));
    assertTrue(e.getMessage().contains("end must be greater than begin"), e.getMessage());
    assertTrue(e.getMessage().contains("param_scheduler.0"), e.getMessage());
  }

  /** conv -> bn -> sum of squares. */
  static final class Toy extends Module {
    final Conv2d conv;
    final BatchNorm2d bn;

    Toy(Backend b) {
      conv =
          register(
              "conv",
              Conv2d.builder(b, new Random(1), 2, 3).kernel(3).padding(1).bias(false).build());
      bn = register("bn", new BatchNorm2d(b, 3, new NormCfg("BN", 1e-5, 0.1, true)));
      train(true);
    }

    Tensor forward(Tensor x) {
      Tensor y = bn.forward(conv.forward(x));
      return y.mul(y).sum();
    }
  }

  /** A conv with group norm. */
  static final class GnBlock extends Module {
    GnBlock(Backend b) {
      register(
          "block",
          ConvModule.builder(b, new Random(2), 8, 8)
              .kernel(3)
              .padding(1)
              .norm(new NormCfg("GN", 1e-5, 0.1, true, 4))
              .act(Activation.RELU)
              .build());
    }
  }

  /** Two modules sharing one conv. */
  static final class Tied extends Module {
    Tied(Backend b) {
      Conv2d c = Conv2d.builder(b, new Random(1), 2, 2).bias(false).build();
      register("a", new Sequential()).add(c);
      register("d", new Sequential()).add(c);
    }
  }
}
