package dev.detkit.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Building components from config maps: types, defaults, conversions and every error path. */
class RegistryTest {

  enum Style {
    PYTORCH,
    CAFFE
  }

  record NormCfg(
      String type,
      @Default("1e-5") double eps,
      @Default("0.1") double momentum,
      @Default("true") boolean requiresGrad) {}

  record NetArgs(
      @Default("b0") String arch,
      @Default("[3, 4, 5]") List<Integer> outIndices,
      @Default("{type: BN}") NormCfg normCfg,
      @Default("0.0") double dropPathRate,
      @Default("pytorch") Style style,
      @Default("null") Optional<String> pretrained,
      @Kind(ComponentKind.LOSS) @Default("{type: FocalLoss}") ComponentConfig loss) {}

  record Net(NetArgs args, Object loss) {}

  record FocalArgs(@Default("2.0") double gamma, @Default("0.25") double alpha) {}

  record NeedsArgs(int channels) {}

  static final ComponentSpec<NetArgs, Net> NET =
      ComponentSpec.of(
          ComponentKind.BACKBONE,
          "TinyNet",
          NetArgs.class,
          Net.class,
          (a, ctx) -> new Net(a, ctx.build(a.loss(), Object.class)),
          "test network");
  static final ComponentSpec<FocalArgs, FocalArgs> FOCAL =
      ComponentSpec.of(
          ComponentKind.LOSS,
          "FocalLoss",
          FocalArgs.class,
          FocalArgs.class,
          (a, ctx) -> a,
          "focal");
  static final ComponentSpec<NeedsArgs, NeedsArgs> NEEDS =
      ComponentSpec.of(
          ComponentKind.NECK,
          "Needs",
          NeedsArgs.class,
          NeedsArgs.class,
          (a, ctx) -> a,
          "needs channels");
  static final ComponentSpec<NeedsArgs, NeedsArgs> OTHER_SCOPE =
      new ComponentSpec<>(
          ComponentKind.NECK,
          "plugin",
          "Needs",
          NeedsArgs.class,
          NeedsArgs.class,
          (a, ctx) -> a,
          "plugin copy");

  final Registry registry = Registry.of(List.of(NET, FOCAL, NEEDS, OTHER_SCOPE));
  final BuildContext ctx = new BuildContext(registry, null);

  static CfgMap cfg(String yaml) {
    return (CfgMap) Yaml.parseValue(yaml, new Origin("test.yaml", 7));
  }

  Net net(String yaml) {
    return registry.build(ComponentKind.BACKBONE, cfg(yaml), "model.backbone", Net.class, ctx);
  }

  String error(String yaml) {
    return assertThrows(ConfigException.class, () -> net(yaml)).getMessage();
  }

  @Test
  void defaultsAndConversions() {
    Net n =
        net(
            "{type: TinyNet, arch: b3, out_indices: [2, 3], norm_cfg: {type: SyncBN, eps: 0.001}, style: CAFFE}");
    assertEquals("b3", n.args().arch());
    assertEquals(List.of(2, 3), n.args().outIndices());
    assertEquals(new NormCfg("SyncBN", 0.001, 0.1, true), n.args().normCfg());
    assertEquals(0.0, n.args().dropPathRate());
    assertEquals(Style.CAFFE, n.args().style());
    assertEquals(Optional.empty(), n.args().pretrained());
    assertEquals(new FocalArgs(2.0, 0.25), n.loss());
    Net d = net("{type: mmdet.TinyNet, drop_path_rate: 1, loss: {type: FocalLoss, gamma: 1.5}}");
    assertEquals(1.0, d.args().dropPathRate());
    assertEquals(new FocalArgs(1.5, 0.25), d.loss());
  }

  @Test
  void unknownTypeListsKnownNamesWithSuggestion() {
    String m = error("{type: TinyNett}");
    assertEquals(
        "test.yaml:7: key 'model.backbone.type': unknown backbone 'TinyNett'; did you mean 'TinyNet'? (known: TinyNet)",
        m);
    String nested = error("{type: TinyNet, loss: {type: Focal}}");
    assertTrue(nested.contains("key 'model.backbone.loss.type': unknown loss 'Focal'"), nested);
    assertTrue(error("{arch: b0}").contains("missing 'type'"));
  }

  @Test
  void unknownArgumentNamesKeyAndListsValidOnes() {
    String m = error("{type: TinyNet, out_indice: [1]}");
    assertTrue(
        m.startsWith(
            "test.yaml:7: key 'model.backbone.out_indice': unknown argument 'out_indice' for TinyNet; did you mean 'out_indices'?"),
        m);
    assertTrue(
        m.contains("valid: arch, out_indices, norm_cfg, drop_path_rate, style, pretrained, loss"),
        m);
    String nested = error("{type: TinyNet, norm_cfg: {type: BN, epsilon: 1}}");
    assertTrue(
        nested.contains("key 'model.backbone.norm_cfg.epsilon': unknown argument 'epsilon'"),
        nested);
  }

  @Test
  void wrongValueTypesAreReported() {
    assertTrue(
        error("{type: TinyNet, arch: [b0]}")
            .contains("key 'model.backbone.arch': expected a string, got list"));
    assertTrue(
        error("{type: TinyNet, out_indices: [1, x]}")
            .contains("key 'model.backbone.out_indices.1': expected an integer, got string 'x'"));
    assertTrue(error("{type: TinyNet, drop_path_rate: fast}").contains("expected a number"));
    assertTrue(
        error("{type: TinyNet, style: keras}").contains("'keras' is not one of pytorch, caffe"));
    assertTrue(
        error("{type: TinyNet, norm_cfg: BN}")
            .contains("key 'model.backbone.norm_cfg': expected a map, got string 'BN'"));
    assertTrue(error("{type: TinyNet, arch: null}").contains("must not be null"));
    assertTrue(
        error("{type: TinyNet, out_indices: [1.5]}").contains("expected an integer, got float"));
  }

  @Test
  void requiredArgumentsAndDefaultArgs() {
    CfgMap noChannels = cfg("{type: Needs}");
    String m =
        assertThrows(
                ConfigException.class,
                () ->
                    registry.build(
                        ComponentKind.NECK, noChannels, "model.neck", NeedsArgs.class, ctx))
            .getMessage();
    assertTrue(m.contains("missing required argument 'channels' for Needs"), m);
    NeedsArgs filled =
        registry.build(
            new ComponentConfig(ComponentKind.NECK, noChannels, "model.neck"),
            NeedsArgs.class,
            ctx,
            Map.of("channels", 64));
    assertEquals(64, filled.channels());
    NeedsArgs given =
        registry.build(
            new ComponentConfig(
                ComponentKind.NECK, cfg("{type: Needs, channels: 8}"), "model.neck"),
            NeedsArgs.class,
            ctx,
            Map.of("channels", 64));
    assertEquals(8, given.channels(), "config wins over default args");
  }

  @Test
  void scopesDisambiguate() {
    NeedsArgs plain =
        registry.build(
            ComponentKind.NECK, cfg("{type: Needs, channels: 1}"), "n", NeedsArgs.class, ctx);
    assertInstanceOf(NeedsArgs.class, plain);
    assertEquals(NEEDS, registry.resolve(ComponentKind.NECK, "Needs", Origin.CODE, "n"));
    assertEquals(
        OTHER_SCOPE, registry.resolve(ComponentKind.NECK, "plugin.Needs", Origin.CODE, "n"));
    assertThrows(
        ConfigException.class,
        () -> registry.resolve(ComponentKind.NECK, "other.Needs", Origin.CODE, "n"));
  }

  @Test
  void duplicateRegistrationFailsFast() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Registry.of(List.of(NEEDS, NEEDS_COPY)));
    assertTrue(e.getMessage().contains("'mmdet.Needs' is registered twice"), e.getMessage());
  }

  static final ComponentSpec<NeedsArgs, NeedsArgs> NEEDS_COPY =
      ComponentSpec.of(
          ComponentKind.NECK, "Needs", NeedsArgs.class, NeedsArgs.class, (a, ctx) -> a, "copy");

  @Test
  void didYouMean() {
    assertEquals(
        Optional.of("out_indices"),
        DidYouMean.closest("out_indice", List.of("arch", "out_indices")));
    assertEquals(Optional.empty(), DidYouMean.closest("zzzzzz", List.of("arch", "out_indices")));
  }
}
