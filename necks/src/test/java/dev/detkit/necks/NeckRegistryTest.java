package dev.detkit.necks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.model.Neck;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.ArgsBinder;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered neck (timm's test_models.py idea): built inside a detector-like context from the
 * common neck arguments it declares, run on a three-level pyramid of a 256x256 input, and its
 * outputs agree with the channels and strides it reports. A new neck needs no code here.
 */
class NeckRegistryTest {
  static final Backend B = TestRuntime.backend("djl");
  static final List<FeatureInfo> BACKBONE =
      List.of(new FeatureInfo(24, 8), new FeatureInfo(40, 16), new FeatureInfo(64, 32));

  /** Values for the arguments necks commonly require; each neck takes those it declares. */
  static final Map<String, Object> COMMON =
      Map.of(
          "in_channels", List.of(24, 40, 64),
          "out_channels", 16,
          "num_outs", 5,
          "num_stages", 1);

  static Stream<String> necks() {
    return TestRuntime.registry().specs(ComponentKind.NECK).stream()
        .map(ComponentSpec::name)
        .distinct();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("necks")
  void everyNeckBuildsRunsAndReportsItsLevels(String name) {
    Registry r = TestRuntime.registry();
    ComponentSpec<?, ?> spec = r.resolve(ComponentKind.NECK, name, Origin.CLI, "neck.type");
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("type", name);
    for (RecordComponent rc : spec.argsType().getRecordComponents()) {
      String key = ArgsBinder.keyOf(rc);
      if (COMMON.containsKey(key)) {
        args.put(key, COMMON.get(key));
      }
    }
    CfgMap cfg = (CfgMap) Yaml.fromJava(args, new Origin("test", 0));
    try (Module neck =
            (Module)
                r.build(
                    ComponentKind.NECK,
                    cfg,
                    "model.neck",
                    Neck.class,
                    new BuildContext(r, B).withInputs(BACKBONE));
        TensorScope scope = TensorScope.open()) {
      neck.eval();
      List<Tensor> in = new ArrayList<>();
      for (FeatureInfo f : BACKBONE) {
        in.add(B.zeros(DType.FLOAT32, 1, f.channels(), 256 / f.stride(), 256 / f.stride()));
      }
      List<Tensor> out = ((Neck) neck).forward(in);
      List<FeatureInfo> info = ((Neck) neck).featureInfo();
      assertEquals(info.size(), out.size(), "outputs as reported");
      for (int l = 0; l < out.size(); l++) {
        Tensor t = out.get(l);
        int side = (256 + info.get(l).stride() - 1) / info.get(l).stride();
        assertEquals(info.get(l).channels(), t.dim(1), name + " level " + l + " channels");
        assertEquals(side, t.dim(2), name + " level " + l + " height at its stride");
        assertEquals(side, t.dim(3), name + " level " + l + " width at its stride");
      }
    }
  }
}
