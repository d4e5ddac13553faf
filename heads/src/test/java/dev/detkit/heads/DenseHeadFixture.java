package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One of ../shared/fixtures/dense_heads/{fcos,atss,gfl}: the head, its inputs and its metas. */
final class DenseHeadFixture {
  final String name;
  final JsonNode meta;
  final Map<String, TensorData> t;

  DenseHeadFixture(String kind) {
    this.name = "dense_heads/" + kind;
    try {
      this.meta = Json.parse(Files.readString(Fixtures.dir(name).resolve("meta.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.t = Fixtures.tensors(name, "fixture.safetensors");
  }

  /** The head from meta.json's head_cfg (mmdet's config) with the fixture's weights, strictly. */
  DenseHead head(Backend b) {
    JsonNode cfg = meta.get("head_cfg").deepCopy();
    CfgMap map = (CfgMap) Yaml.parseValue(Json.compact(cfg), new Origin("meta.json", 0));
    Registry r = TestRuntime.registry();
    DenseHead head =
        r.build(
            new ComponentConfig(ComponentKind.HEAD, map, "bbox_head"),
            DenseHead.class,
            new BuildContext(r, b),
            Map.of());
    Map<String, TensorData> w =
        Checkpoints.withPrefix(
            Checkpoints.load(Fixtures.dir(name).resolve("weights.safetensors")), "bbox_head");
    ((Module) head).loadStateDict(w, b, true, "weights.safetensors");
    return head;
  }

  List<Tensor> inputs(Backend b) {
    List<Tensor> x = new ArrayList<>();
    for (int l = 0; l < 5; l++) {
      x.add(t.get("inputs.feat." + l).toTensor(b));
    }
    return x;
  }

  List<GtInstances> gts() {
    List<GtInstances> g = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      g.add(new GtInstances(t.get("gt." + i + ".bboxes").toFloats(), ints("gt." + i + ".labels")));
    }
    return g;
  }

  List<ImageMeta> metas() {
    List<ImageMeta> out = new ArrayList<>();
    JsonNode arr = meta.get("img_metas");
    for (int i = 0; i < arr.size(); i++) {
      JsonNode m = arr.get(i);
      out.add(
          new ImageMeta(
              "img" + i,
              i,
              shape(m, "ori_shape"),
              shape(m, "img_shape"),
              new double[] {
                m.get("scale_factor").get(0).asDouble(), m.get("scale_factor").get(1).asDouble()
              },
              shape(m, "pad_shape"),
              shape(m, "batch_input_shape")));
    }
    return out;
  }

  private static int[] shape(JsonNode m, String key) {
    JsonNode a = m.get(key);
    return new int[] {a.get(0).asInt(), a.get(1).asInt()};
  }

  int[] ints(String key) {
    return Arrays.stream(t.get(key).toLongs()).mapToInt(v -> (int) v).toArray();
  }

  /** The stored outputs ({@code out.*}, or {@code out_eval.*} where stored) as head outputs. */
  HeadOutputs outputs(Backend b, boolean eval, List<String> names) {
    Map<String, List<Tensor>> m = new LinkedHashMap<>();
    for (String n : names) {
      List<Tensor> levels = new ArrayList<>();
      for (int l = 0; l < 5; l++) {
        String key = eval && t.containsKey("out_eval." + n + "." + l) ? "out_eval." : "out.";
        levels.add(t.get(key + n + "." + l).toTensor(b));
      }
      m.put(n, levels);
    }
    return new HeadOutputs(m);
  }

  /** Same labels in the same order, boxes within boxTol px, scores within scoreTol. */
  void assertDetections(List<Detections> dets, double boxTol, double scoreTol) {
    for (int i = 0; i < dets.size(); i++) {
      Detections d = dets.get(i);
      assertArrayEquals(ints("pred." + i + ".labels"), d.labels(), "labels of image " + i);
      float[] eb = t.get("pred." + i + ".bboxes").toFloats();
      float[] es = t.get("pred." + i + ".scores").toFloats();
      double maxB = 0;
      double maxS = 0;
      for (int k = 0; k < eb.length; k++) {
        maxB = Math.max(maxB, Math.abs(eb[k] - d.boxes()[k]));
      }
      for (int k = 0; k < es.length; k++) {
        maxS = Math.max(maxS, Math.abs(es[k] - d.scores()[k]));
      }
      System.out.printf(
          "%s detections img %d: box max abs %.2e, score max abs %.2e%n", name, i, maxB, maxS);
      assertTrue(maxB <= boxTol, "boxes of image " + i + ": " + maxB);
      assertTrue(maxS <= scoreTol, "scores of image " + i + ": " + maxS);
    }
  }

  /** Relative error to the expected scalar. */
  static void assertRel(double expected, double actual, double tol, String what) {
    double rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
    System.out.printf("%s: expected %.8g got %.8g rel %.2e%n", what, expected, actual, rel);
    assertTrue(
        rel <= tol, what + ": expected " + expected + ", got " + actual + " (rel " + rel + ")");
  }

  static void assertFloats(float[] expected, float[] actual, double relTol, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    double maxAbs = 0;
    double maxE = 0;
    for (int i = 0; i < expected.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(expected[i] - actual[i]));
      maxE = Math.max(maxE, Math.abs(expected[i]));
    }
    double rel = maxAbs / Math.max(maxE, 1e-30);
    assertTrue(rel <= relTol, what + ": max rel " + rel);
  }
}
