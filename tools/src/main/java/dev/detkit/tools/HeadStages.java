package dev.detkit.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.util.Json;
import dev.detkit.detectors.SingleStageDetector;
import dev.detkit.heads.DenseHead;
import dev.detkit.heads.HeadOutputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./detkit extract --stage head|detections|loss}: the dense head's raw outputs by
 * mmdetection's names (eval mode), its detections per image ({@code predict(rescale=True)}), or its
 * losses against {@code --gt} (train mode, each summed over levels as mmdet logs it), from an input
 * tensor or image or, with {@code --from neck}, from stored neck features.
 */
final class HeadStages {
  private final ExtractCommand c;
  private SingleStageDetector net;
  private int[] inputHw;

  HeadStages(ExtractCommand c) {
    this.c = c;
  }

  static boolean isHeadStage(String stage) {
    return stage.equals("head") || stage.equals("detections") || stage.equals("loss");
  }

  int run() {
    PrintWriter log = c.spec.commandLine().getOut();
    ResolvedConfig cfg = c.configOptions.loadConfig();
    Backend b = c.backends.get(c.backend);
    SingleStageDetector net =
        ModelLoader.detector(
            cfg,
            new BuildContext(c.registry, b, c.backends.options()),
            null,
            c.spec.commandLine().getErr(),
            SingleStageDetector.class);
    this.net = net;
    try (net) {
      DenseHead head = net.head();
      if (c.checkpoint != null) {
        Map<String, TensorData> sd = Checkpoints.load(c.checkpoint);
        LoadReport r =
            c.from != null
                ? ((Module) head)
                    .loadStateDict(headKeys(sd, head), b, true, c.checkpoint.toString())
                : net.loadStateDict(sd, b, true, c.checkpoint.toString());
        log.println("loaded " + c.checkpoint + ": " + r);
      }
      Map<String, TensorData> result = new LinkedHashMap<>();
      try (TensorScope scope = TensorScope.open()) {
        boolean train = c.stage.equals("loss");
        net.train(train);
        List<Tensor> feats = features(cfg, net, b);
        int batch = feats.get(0).dim(0);
        switch (c.stage) {
          case "head" ->
              head.forward(feats).flat().forEach((k, v) -> result.put(k, TensorData.of(v)));
          case "detections" -> {
            List<Detections> dets = head.predict(feats, metas(batch, feats));
            for (int i = 0; i < dets.size(); i++) {
              Detections d = dets.get(i);
              int n = d.labels().length;
              result.put("det." + i + ".bboxes", TensorData.of(b.fromFloats(d.boxes(), n, 4)));
              result.put("det." + i + ".scores", TensorData.of(b.fromFloats(d.scores(), n)));
              long[] labels = new long[n];
              for (int k = 0; k < n; k++) {
                labels[k] = d.labels()[k];
              }
              result.put("det." + i + ".labels", TensorData.of(b.fromLongs(labels, n)));
            }
          }
          default -> {
            HeadOutputs out = head.forward(feats);
            Map<String, Tensor> losses =
                head.lossByFeat(out, gts(batch, head.numClasses()), metas(batch, feats)).summed();
            Tensor total = null;
            for (Map.Entry<String, Tensor> e : losses.entrySet()) {
              result.put("loss." + e.getKey(), TensorData.of(e.getValue().reshape()));
              total = total == null ? e.getValue() : total.add(e.getValue());
            }
            result.put("loss.total", TensorData.of(total.reshape()));
          }
        }
      }
      Safetensors.write(c.out, result, Map.of("format", "pt", "producer", "detkit extract"));
      for (Map.Entry<String, TensorData> e : result.entrySet()) {
        log.println(e.getKey() + " " + e.getValue().shape());
      }
      log.printf(
          "%s: %s on %s; wrote %s%n",
          c.configOptions.config.getFileName(), c.stage, b.name(), c.out);
    }
    return 0;
  }

  /** The checkpoint's {@code bbox_head.} keys without the prefix, old names renamed. */
  private static Map<String, TensorData> headKeys(Map<String, TensorData> sd, DenseHead head) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    Checkpoints.withPrefix(sd, "bbox_head").forEach((k, v) -> out.put(head.renameLegacyKey(k), v));
    return out;
  }

  /** The head's input: stored neck.0..neck.{L-1} with --from neck, else backbone and neck. */
  private List<Tensor> features(ResolvedConfig cfg, SingleStageDetector net, Backend b) {
    if (c.from == null) {
      Tensor x = c.inputTensor(cfg, net, b);
      inputHw = new int[] {x.dim(2), x.dim(3)};
      return net.extractFeat(x);
    }
    Map<String, TensorData> in = Checkpoints.load(c.input);
    int levels = net.head().priorGenerator().numLevels();
    List<Tensor> feats = new ArrayList<>();
    for (int l = 0; l < levels; l++) {
      TensorData t = in.get("neck." + l);
      if (t == null) {
        throw new UserError(
            c.input
                + ": no tensor 'neck."
                + l
                + "' (the head has "
                + levels
                + " levels; found: "
                + String.join(", ", in.keySet())
                + ")");
      }
      if (t.shape().rank() != 4) {
        throw new UserError(c.input + ": 'neck." + l + "' must be NCHW, got " + t.shape());
      }
      feats.add(t.toTensor(b));
    }
    return feats;
  }

  private JsonNode json(String option, String text) {
    String s = text;
    try {
      Path p = Path.of(text);
      if (text.endsWith(".json") && Files.isRegularFile(p)) {
        s = Files.readString(p);
      }
    } catch (IOException | RuntimeException e) {
      throw new UserError(option + ": cannot read " + text + " (" + e.getMessage() + ")");
    }
    try {
      return Json.tree(s);
    } catch (JsonProcessingException e) {
      throw new UserError(option + ": not valid JSON (" + Json.problem(e) + ")");
    }
  }

  /**
   * One meta per image from --img-meta; without it each image is the whole input tensor at scale 1
   * (or the stride-8 level's size times 8 with --from neck).
   */
  private List<ImageMeta> metas(int batch, List<Tensor> feats) {
    List<ImageMeta> out = new ArrayList<>();
    if (c.imgMeta == null) {
      int s = c.from == null ? 1 : net.head().priorGenerator().stride(0);
      int[] hw =
          c.from == null ? inputHw : new int[] {feats.get(0).dim(2) * s, feats.get(0).dim(3) * s};
      for (int i = 0; i < batch; i++) {
        out.add(new ImageMeta("input", i, hw, hw, new double[] {1, 1}, hw, hw));
      }
      return out;
    }
    JsonNode e = json("--img-meta", c.imgMeta);
    List<JsonNode> arr = new ArrayList<>();
    if (e.isObject()) {
      for (int i = 0; i < batch; i++) {
        arr.add(e);
      }
    } else if (e.isArray()) {
      e.forEach(arr::add);
    } else {
      throw new UserError("--img-meta: expected an object or a list of objects");
    }
    if (arr.size() != batch) {
      throw new UserError("--img-meta: " + arr.size() + " metas for a batch of " + batch);
    }
    for (int i = 0; i < batch; i++) {
      String at = "--img-meta[" + i + "]";
      if (!arr.get(i).isObject()) {
        throw new UserError(at + ": expected an object");
      }
      JsonNode m = arr.get(i);
      int[] img = pair(m, "img_shape", at, null);
      int[] pad = pair(m, "pad_shape", at, img);
      int[] batchShape = pair(m, "batch_input_shape", at, pad);
      int[] ori = pair(m, "ori_shape", at, img);
      double[] scale = {1, 1};
      if (m.has("scale_factor")) {
        JsonNode sf = m.get("scale_factor");
        if (!sf.isArray() || sf.size() != 2 || !sf.get(0).isNumber() || !sf.get(1).isNumber()) {
          throw new UserError(at + ".scale_factor: expected (w, h)");
        }
        scale = new double[] {sf.get(0).asDouble(), sf.get(1).asDouble()};
        if (!(scale[0] > 0 && scale[1] > 0)) {
          throw new UserError(at + ".scale_factor: expected positive values");
        }
      }
      out.add(new ImageMeta("input", i, ori, img, scale, pad, batchShape));
    }
    return out;
  }

  private static int[] pair(JsonNode m, String key, String at, int[] fallback) {
    JsonNode v = m.get(key);
    if (v == null) {
      if (fallback == null) {
        throw new UserError(at + ": missing '" + key + "' (h, w)");
      }
      return fallback;
    }
    if (!v.isArray() || v.size() < 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
      throw new UserError(at + "." + key + ": expected (h, w), got " + v);
    }
    int h = v.get(0).asInt();
    int w = v.get(1).asInt();
    if (h < 1 || w < 1) {
      throw new UserError(at + "." + key + ": expected positive (h, w), got " + v);
    }
    return new int[] {h, w};
  }

  /** --gt: per image, boxes in input pixels (x2 >= x1, y2 >= y1) and 0-based labels. */
  private List<GtInstances> gts(int batch, int numClasses) {
    JsonNode arr = json("--gt", c.gt);
    if (!arr.isArray() || arr.size() != batch) {
      throw new UserError("--gt: expected a list of " + batch + " objects (one per image)");
    }
    List<GtInstances> out = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      String at = "--gt[" + i + "]";
      if (!arr.get(i).isObject()) {
        throw new UserError(at + ": expected {\"bboxes\": [...], \"labels\": [...]}");
      }
      JsonNode o = arr.get(i);
      JsonNode boxes = o.path("bboxes");
      JsonNode labels = o.path("labels");
      if (!(boxes.isArray() || boxes.isMissingNode())
          || !(labels.isArray() || labels.isMissingNode())) {
        throw new UserError(at + ": expected {\"bboxes\": [...], \"labels\": [...]}");
      }
      if (boxes.size() != labels.size()) {
        throw new UserError(at + ": " + boxes.size() + " bboxes but " + labels.size() + " labels");
      }
      float[] bb = new float[4 * boxes.size()];
      int[] ll = new int[labels.size()];
      for (int k = 0; k < boxes.size(); k++) {
        JsonNode box = boxes.get(k);
        if (!box.isArray() || box.size() != 4) {
          throw new UserError(at + ".bboxes[" + k + "]: expected [x1, y1, x2, y2]");
        }
        for (int j = 0; j < 4; j++) {
          if (!box.get(j).isNumber()) {
            throw new UserError(at + ".bboxes[" + k + "]: expected [x1, y1, x2, y2], got " + box);
          }
          bb[4 * k + j] = (float) box.get(j).asDouble();
        }
        if (bb[4 * k + 2] < bb[4 * k] || bb[4 * k + 3] < bb[4 * k + 1]) {
          throw new UserError(
              at + ".bboxes[" + k + "]: expected x2 >= x1 and y2 >= y1, got " + box);
        }
        if (!labels.get(k).canConvertToExactIntegral()) {
          throw new UserError(at + ".labels[" + k + "]: expected an integer, got " + labels.get(k));
        }
        ll[k] = labels.get(k).asInt();
        if (ll[k] < 0 || ll[k] >= numClasses) {
          throw new UserError(
              at + ".labels[" + k + "]: expected a class in [0, " + numClasses + "), got " + ll[k]);
        }
      }
      out.add(new GtInstances(bb, ll));
    }
    return out;
  }
}
