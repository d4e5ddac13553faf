package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./detkit extract --from neck --stage head|detections|loss} on the FCOS fixture
 * (../shared/fixtures/dense_heads/fcos): mmdetection's head outputs, detections and losses, and the
 * one-line errors for bad --from/--gt input.
 */
class ExtractHeadStagesTest {
  static final String CONFIG = "src/test/resources/configs/fcos_dense_heads_fixture.yaml";
  static final String FIXTURE = "dense_heads/fcos";
  static final String METAS =
      "[{\"img_shape\": [256, 320], \"pad_shape\": [256, 320], \"ori_shape\": [480, 600],"
          + " \"scale_factor\": [0.5333333333333333, 0.5333333333333333],"
          + " \"batch_input_shape\": [256, 320]},"
          + " {\"img_shape\": [224, 300], \"pad_shape\": [224, 320], \"ori_shape\": [336, 450],"
          + " \"scale_factor\": [0.6666666666666666, 0.6666666666666666],"
          + " \"batch_input_shape\": [256, 320]}]";

  @TempDir Path dir;

  Path neck(int levels) {
    Map<String, TensorData> fx = Fixtures.tensors(FIXTURE, "fixture.safetensors");
    Map<String, TensorData> n = new LinkedHashMap<>();
    for (int l = 0; l < levels; l++) {
      n.put("neck." + l, fx.get("inputs.feat." + l));
    }
    Path p = dir.resolve("neck" + levels + ".safetensors");
    Safetensors.write(p, n, Map.of("format", "pt"));
    return p;
  }

  ConfigCommandsTest.Run extract(String stage, Path input, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "extract",
                CONFIG,
                "--checkpoint",
                Fixtures.dir(FIXTURE).resolve("weights.safetensors").toString(),
                "--input",
                input.toString(),
                "--from",
                "neck",
                "--stage",
                stage,
                "--out",
                dir.resolve(stage + ".safetensors").toString()));
    args.addAll(List.of(more));
    return ConfigCommandsTest.run(args.toArray(String[]::new));
  }

  static String gtJson(Map<String, TensorData> fx) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < 2; i++) {
      float[] b = fx.get("gt." + i + ".bboxes").toFloats();
      long[] l = fx.get("gt." + i + ".labels").toLongs();
      s.append(i == 0 ? "" : ",").append("{\"bboxes\": [");
      for (int k = 0; k < l.length; k++) {
        s.append(k == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "[%.9g,%.9g,%.9g,%.9g]",
                    b[4 * k],
                    b[4 * k + 1],
                    b[4 * k + 2],
                    b[4 * k + 3]));
      }
      s.append("], \"labels\": ").append(java.util.Arrays.toString(l)).append("}");
    }
    return s.append("]").toString();
  }

  @Test
  void headDetectionsAndLossMatchMmdetection() {
    Map<String, TensorData> fx = Fixtures.tensors(FIXTURE, "fixture.safetensors");
    Path in = neck(5);
    Backend b = TestRuntime.backend("djl");
    ConfigCommandsTest.Run r = extract("head", in);
    assertEquals(0, r.code(), r.err());
    Map<String, TensorData> head = Safetensors.read(dir.resolve("head.safetensors"));
    try (TensorScope scope = TensorScope.open()) {
      for (String n : List.of("cls_scores", "bbox_preds", "centernesses")) {
        for (int l = 0; l < 5; l++) {
          String ref = fx.containsKey("out_eval." + n + "." + l) ? "out_eval." : "out.";
          Fixtures.assertClose(
              head.get(n + "." + l).toTensor(b), fx.get(ref + n + "." + l), 1e-4, n + "." + l);
        }
      }
    }
    r = extract("detections", in, "--img-meta", METAS);
    assertEquals(0, r.code(), r.err());
    Map<String, TensorData> det = Safetensors.read(dir.resolve("detections.safetensors"));
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(
          fx.get("pred." + i + ".labels").toLongs(), det.get("det." + i + ".labels").toLongs());
      float[] eb = fx.get("pred." + i + ".bboxes").toFloats();
      float[] ab = det.get("det." + i + ".bboxes").toFloats();
      for (int k = 0; k < eb.length; k++) {
        assertEquals(eb[k], ab[k], 1e-2, "box " + i + "/" + k);
      }
      assertArrayEquals(
          fx.get("pred." + i + ".scores").toFloats(),
          det.get("det." + i + ".scores").toFloats(),
          1e-4f);
    }
    r = extract("loss", in, "--img-meta", METAS, "--gt", gtJson(fx));
    assertEquals(0, r.code(), r.err());
    Map<String, TensorData> loss = Safetensors.read(dir.resolve("loss.safetensors"));
    for (String k : List.of("loss_cls", "loss_bbox", "loss_centerness", "total")) {
      float e = fx.get("loss." + k).toFloats()[0];
      TensorData a = loss.get("loss." + k);
      assertEquals(0, a.shape().rank(), k + " is 0-dim");
      assertEquals(e, a.toFloats()[0], 1e-5 * Math.abs(e), k);
    }
  }

  /** An old checkpoint (fcos_cls, fcos_reg, fcos_centerness) loads as mmdet renames it. */
  @Test
  void oldFcosKeyNamesLoad() {
    Map<String, TensorData> w =
        Safetensors.read(Fixtures.dir(FIXTURE).resolve("weights.safetensors"));
    Map<String, TensorData> old = new LinkedHashMap<>();
    w.forEach((k, v) -> old.put(k.replace(".conv_", ".fcos_"), v));
    assertTrue(old.containsKey("bbox_head.fcos_centerness.weight"));
    Path ckpt = dir.resolve("old.safetensors");
    Safetensors.write(ckpt, old, Map.of("format", "pt"));
    List<String> args =
        List.of(
            "extract",
            CONFIG,
            "--checkpoint",
            ckpt.toString(),
            "--input",
            neck(5).toString(),
            "--from",
            "neck",
            "--stage",
            "head",
            "--out",
            dir.resolve("old-head.safetensors").toString());
    ConfigCommandsTest.Run r = ConfigCommandsTest.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    Map<String, TensorData> fx = Fixtures.tensors(FIXTURE, "fixture.safetensors");
    Map<String, TensorData> head = Safetensors.read(dir.resolve("old-head.safetensors"));
    try (TensorScope scope = TensorScope.open()) {
      Fixtures.assertClose(
          head.get("centernesses.0").toTensor(TestRuntime.backend("djl")),
          fx.get("out.centernesses.0"),
          1e-4,
          "centerness from old keys");
    }
  }

  @Test
  void badInputIsOneLineNamingTheFileAndKey() {
    ConfigCommandsTest.Run r = extract("head", neck(4));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("neck4.safetensors") && r.err().contains("'neck.4'"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    r =
        extract(
            "loss",
            neck(5),
            "--img-meta",
            METAS,
            "--gt",
            "[{\"bboxes\": [[10, 10, 5, 20]], \"labels\": [1]}, {\"bboxes\": [], \"labels\": []}]");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--gt[0].bboxes[0]") && r.err().contains("x2 >= x1"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    r = extract("head", neck(5), "--cfg-options", "model.bbox_head.num_classes=10");
    assertEquals(2, r.code());
    assertTrue(
        r.err().contains("weights.safetensors") && r.err().contains("conv_cls.weight"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
