package dev.detkit.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mmengine's config semantics on YAML, JSON and HOCON files. */
class ConfigLoaderTest {
  @TempDir Path dir;

  static Path repoConfigs() {
    return Path.of(System.getProperty("detkit.root", "..")).resolve("configs");
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static ConfigException fails(Runnable r) {
    return assertThrows(ConfigException.class, r::run);
  }

  @Test
  void seedConfigModelEqualsReferenceSection12() {
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                repoConfigs()
                    .resolve("efficientnet/retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml"));
    Object expected =
        YamlReader.readFile(Path.of("src/test/resources/expected/effb3_model.yaml")).unwrapped();
    assertEquals(expected, cfg.root().get("model").unwrapped());
    // _delete_ left no ResNet key behind.
    CfgMap backbone = cfg.map("model.backbone");
    for (String k : List.of("depth", "num_stages", "style", "_delete_")) {
      assertFalse(backbone.has(k), k);
    }
    // Runtime keys of the other bases and the child's overrides.
    assertEquals(0.04, cfg.at("optim_wrapper.optimizer.lr").unwrapped());
    assertEquals(0.9, cfg.at("optim_wrapper.optimizer.momentum").unwrapped());
    assertEquals(1000L, cfg.at("param_scheduler.0.end").unwrapped());
    assertEquals(32L, cfg.at("auto_scale_lr.base_batch_size").unwrapped());
    assertEquals(false, cfg.at("auto_scale_lr.enable").unwrapped());
    assertEquals("RandomCrop", cfg.at("train_dataloader.dataset.pipeline.3.type").unwrapped());
    assertEquals("data/coco/", cfg.at("train_dataloader.dataset.data_root").unwrapped());
    assertEquals(
        List.of(896L, 896L), cfg.at("test_dataloader.dataset.pipeline.1.scale").unwrapped());
    assertNull(cfg.at("test_dataloader.dataset.pipeline.0.backend_args").unwrapped());
    assertEquals("mmdet", cfg.at("default_scope").unwrapped());
  }

  @Test
  void cfgOptionsOverrideWithListsIndicesAndTypes() {
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                repoConfigs().resolve("efficientnet/retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml"),
                List.of(
                    "model.bbox_head.num_classes=3",
                    "train_dataloader.batch_size=2",
                    "model.neck.in_channels=[1,2,3]",
                    "train_dataloader.dataset.pipeline.2.scale=(640,480)",
                    "model.test_cfg.score_thr=0.3",
                    "model.backbone.norm_eval=True",
                    "load_from=None",
                    "work_dir=runs/x",
                    "model.neck.extra=a,b"));
    assertEquals(3L, cfg.at("model.bbox_head.num_classes").unwrapped());
    assertEquals(2L, cfg.at("train_dataloader.batch_size").unwrapped());
    assertEquals(List.of(1L, 2L, 3L), cfg.at("model.neck.in_channels").unwrapped());
    assertEquals(
        List.of(640L, 480L), cfg.at("train_dataloader.dataset.pipeline.2.scale").unwrapped());
    assertEquals(0.3, cfg.at("model.test_cfg.score_thr").unwrapped());
    assertEquals(true, cfg.at("model.backbone.norm_eval").unwrapped());
    assertNull(cfg.at("load_from").unwrapped());
    assertEquals("runs/x", cfg.at("work_dir").unwrapped());
    assertEquals(List.of("a", "b"), cfg.at("model.neck.extra").unwrapped());
    assertEquals(Origin.CLI, cfg.at("model.bbox_head.num_classes").origin());
    ConfigException e =
        fails(
            () ->
                new ConfigLoader()
                    .load(
                        repoConfigs().resolve("_base_/default_runtime.yaml"),
                        List.of("vis_backends.3.type=X")));
    assertTrue(e.getMessage().contains("index 3 out of range"), e.getMessage());
  }

  @Test
  void cfgOptionValueParsing() {
    assertEquals(7L, CfgOptions.parseValue("7").unwrapped());
    assertEquals(1e-3, CfgOptions.parseValue("1e-3").unwrapped());
    assertEquals(false, CfgOptions.parseValue("FALSE").unwrapped());
    assertNull(CfgOptions.parseValue("None").unwrapped());
    assertEquals("on_input", CfgOptions.parseValue("on_input").unwrapped());
    assertEquals(
        List.of(List.of(1L, 2L), List.of("a", 3.5)),
        CfgOptions.parseValue("[(1,2),[a,3.5]]").unwrapped());
  }

  @Test
  void mergeReplacesListsAndDeleteReplacesMaps() throws IOException {
    write("base.yaml", "a: {x: 1, y: [1, 2, 3], z: {p: 1, q: 2}}\nb: keep\n");
    Path child =
        write("child.yaml", "_base_: base.yaml\na: {y: [9], z: {_delete_: true, r: 3}}\nc: new\n");
    CfgMap root = new ConfigLoader().load(child).root();
    assertEquals(
        Map.of(
            "a", Map.of("x", 1L, "y", List.of(9L), "z", Map.of("r", 3L)), "b", "keep", "c", "new"),
        root.unwrapped());
    assertEquals(List.of("a", "b", "c"), List.copyOf(root.entries().keySet()));
  }

  @Test
  void mapOverScalarNeedsDelete() throws IOException {
    write("base.yaml", "a: 1\n");
    Path child = write("child.yaml", "_base_: base.yaml\na: {x: 1}\n");
    ConfigException e = fails(() -> new ConfigLoader().load(child));
    assertTrue(
        e.getMessage().contains("child.yaml:2") && e.getMessage().contains("key 'a'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("_delete_"), e.getMessage());
  }

  @Test
  void baseReferencesAreDeepCopiesAndEnvAndFileVariablesSubstitute() throws IOException {
    write("b/base.yaml", "pipeline: [{type: A}, {type: B}]\nroot: data/\n");
    Path child =
        write(
            "child.yaml",
            String.join(
                "\n",
                "_base_: [b/base.yaml]",
                "copy: '{{_base_.pipeline}}'",
                "first: '{{_base_.pipeline.0.type}}'",
                "ann: '{{_base_.root}}ann.json'",
                "workers: '{{$WORKERS:2}}'",
                "home: '{{$DETKIT_HOME}}/x'",
                "me: '{{fileBasenameNoExtension}}'",
                ""));
    Map<String, String> env = Map.of("DETKIT_HOME", "/opt/d");
    CfgMap root = new ConfigLoader(env::get).load(child).root();
    assertEquals(List.of(Map.of("type", "A"), Map.of("type", "B")), root.get("copy").unwrapped());
    assertEquals("A", root.get("first").unwrapped());
    assertEquals("data/ann.json", root.get("ann").unwrapped());
    assertEquals(2L, root.get("workers").unwrapped());
    assertEquals("/opt/d/x", root.get("home").unwrapped());
    assertEquals("child", root.get("me").unwrapped());
    assertEquals(
        2, root.get("copy").origin().line(), "a reference takes the line where it is written");
    ConfigException e = fails(() -> new ConfigLoader(k -> null).load(child));
    assertTrue(e.getMessage().contains("DETKIT_HOME is not set"), e.getMessage());
  }

  @Test
  void missingBaseNamesTheFileAndLine() throws IOException {
    Path child = write("child.yaml", "a: 1\n_base_:\n  - nowhere.yaml\n");
    ConfigException e = fails(() -> new ConfigLoader().load(child));
    assertTrue(
        e.getMessage().startsWith(child + ":3: key '_base_': config file not found"),
        e.getMessage());
    assertTrue(e.getMessage().contains("nowhere.yaml"), e.getMessage());
  }

  @Test
  void baseCycleIsAnError() throws IOException {
    write("a.yaml", "_base_: b.yaml\nx: 1\n");
    write("b.yaml", "_base_: c.yaml\ny: 1\n");
    Path c = write("c.yaml", "_base_: a.yaml\nz: 1\n");
    ConfigException e = fails(() -> new ConfigLoader().load(dir.resolve("a.yaml")));
    assertTrue(
        e.getMessage().contains("cycle in _base_: a.yaml -> b.yaml -> c.yaml -> a.yaml"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith(c + ":1"), e.getMessage());
  }

  @Test
  void sameKeyInTwoBasesIsAnError() throws IOException {
    write("m.yaml", "model: {a: 1}\n");
    write("n.yaml", "other: 1\nmodel: {b: 2}\n");
    Path child = write("child.yaml", "_base_: [m.yaml, n.yaml]\n");
    ConfigException e = fails(() -> new ConfigLoader().load(child));
    assertTrue(
        e.getMessage().contains("key 'model': defined in two bases, m.yaml and n.yaml"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith(child + ":1"), e.getMessage());
  }

  @Test
  void malformedYamlNamesFileAndLine() throws IOException {
    Path bad = write("bad.yaml", "model:\n  backbone: {type: X\n  neck: 1\n");
    ConfigException e = fails(() -> new ConfigLoader().load(bad));
    assertTrue(e.getMessage().startsWith(bad + ":"), e.getMessage());
    assertTrue(e.getMessage().contains("malformed YAML"), e.getMessage());
    Path dup = write("dup.yaml", "a: 1\nb: 2\na: 3\n");
    ConfigException d = fails(() -> new ConfigLoader().load(dup));
    assertTrue(d.getMessage().startsWith(dup + ":3: key 'a'"), d.getMessage());
    Path list = write("list.yaml", "- 1\n- 2\n");
    assertTrue(fails(() -> new ConfigLoader().load(list)).getMessage().contains("must be a map"));
    assertTrue(
        fails(() -> new ConfigLoader().load(dir.resolve("absent.yaml")))
            .getMessage()
            .contains("config file not found"));
  }

  @Test
  void hoconAndJsonFilesLoadAndMergeToo() throws IOException {
    write("base.json", "{\"model\": {\"type\": \"RetinaNet\", \"neck\": {\"num_outs\": 5}}}");
    Path conf =
        write(
            "child.conf",
            "_base_ = [base.json]\n# HOCON's own ${...} and include are refused (HostileConfigTest)\nmodel { neck { out_channels = 256, start_level = 0 } }\n");
    ResolvedConfig cfg = new ConfigLoader().load(conf);
    assertEquals(
        Map.of(
            "type",
            "RetinaNet",
            "neck",
            Map.of("num_outs", 5L, "out_channels", 256L, "start_level", 0L)),
        cfg.root().get("model").unwrapped());
    assertEquals(3, cfg.at("model.neck.start_level").origin().line());
  }

  @Test
  void typesafeViewCarriesValuesAndOrigins() {
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                repoConfigs()
                    .resolve("efficientnet/retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml"));
    Config ts = cfg.typesafe();
    assertEquals("b3", ts.getString("model.backbone.arch"));
    assertEquals(List.of(48, 136, 384), ts.getIntList("model.neck.in_channels"));
    assertTrue(
        ts.getValue("model.backbone.arch")
            .origin()
            .filename()
            .endsWith("retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml"));
    assertTrue(
        ts.getValue("model.bbox_head.num_classes")
            .origin()
            .filename()
            .endsWith("retinanet_r50_fpn.yaml"));
    assertTrue(ts.getValue("model.backbone.arch").origin().lineNumber() > 0);
  }

  @Test
  void printersRoundTripAndShowOrigins() throws IOException {
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                repoConfigs()
                    .resolve("efficientnet/retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml"));
    String yaml = CfgPrinter.yaml(cfg.root(), false);
    Path back = write("printed.yaml", yaml);
    assertEquals(cfg.root().unwrapped(), new ConfigLoader().load(back).root().unwrapped());
    String withOrigins = CfgPrinter.yaml(cfg.root(), true);
    assertTrue(withOrigins.contains("arch: b3  # "), withOrigins);
    String json = CfgPrinter.json(cfg.root(), true);
    assertTrue(json.contains("\"model.backbone.arch\": \""), json);
    Path jsonBack = write("printed.json", CfgPrinter.json(cfg.root(), false));
    assertEquals(cfg.root().unwrapped(), new ConfigLoader().load(jsonBack).root().unwrapped());
  }
}
