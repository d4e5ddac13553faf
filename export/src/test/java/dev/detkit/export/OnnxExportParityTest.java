package dev.detkit.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.detectors.SingleStageDetector;
import dev.detkit.heads.HeadOutputs;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture RetinaNet (EfficientNet-b0, FPN, RetinaSepBNHead with shared convs) exported by
 * recording its forward pass, run in ONNX Runtime from Java: raw outputs against mmdetection's
 * (fixture) and DJL's, detections against mmdetection's; a dynamic-shape export at two sizes; an op
 * the graph cannot express fails naming the op and the caller.
 */
class OnnxExportParityTest {
  static final String FIXTURE = "retinanet_effb0_small";
  static final ImageMeta IMAGE_META =
      new ImageMeta(
          "image.png",
          0,
          new int[] {300, 451},
          new int[] {213, 320},
          new double[] {0.7095343680709535, 0.71},
          new int[] {224, 320},
          new int[] {224, 320});

  @TempDir Path tmp;

  static SingleStageDetector build(Backend b) {
    ResolvedConfig cfg =
        new ConfigLoader().load(Path.of("src/test/resources/retinanet_effb0_small.yaml"));
    Registry r = TestRuntime.registry();
    SingleStageDetector det =
        (SingleStageDetector)
            r.build(
                ComponentKind.DETECTOR,
                cfg.map("model"),
                "model",
                Detector.class,
                new BuildContext(r, b));
    Map<String, TensorData> sd =
        Checkpoints.load(Fixtures.dir(FIXTURE).resolve("weights.safetensors"));
    LoadReport report = det.loadStateDict(sd, b, true, "weights.safetensors");
    assertTrue(report.isClean(), report.toString());
    return det;
  }

  static Map<String, float[]> runOrt(Path model, float[] x, long... shape) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession s = env.createSession(model.toString(), o);
          OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
          OrtSession.Result r = s.run(Map.of(DetectorExporter.INPUT, in))) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          FloatBuffer fb = t.getFloatBuffer();
          float[] a = new float[fb.remaining()];
          fb.get(a);
          out.put(e.getKey(), a);
        }
        return out;
      }
    }
  }

  static double maxRel(float[] actual, float[] expected) {
    double maxAbs = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return maxAbs / Math.max(scale, 1e-12);
  }

  @Test
  void staticExportMatchesMmdetectionAndDjlInOnnxRuntime() throws Exception {
    Backend djl = TestRuntime.backend("djl");
    RecordingBackend rb = new RecordingBackend(djl, DetectorExporter.DEFAULT_OPSET, false);
    try (SingleStageDetector det = build(rb)) {
      DetectorExporter.Recorded rec = DetectorExporter.record(det, rb, 1, 224, 320);
      Path file = tmp.resolve("fixture.onnx");
      long bytes =
          DetectorExporter.write(
              rec.graph(), DetectorExporter.DEFAULT_OPSET, "test", Map.of("k", "v"), file);
      assertTrue(bytes > 4_000_000, "weights are in the file: " + bytes);
      assertEquals(10, rec.graph().outputs().size());
      assertEquals(
          0,
          rec.graph().nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count(),
          "every batch norm folds into its conv");

      // The recording run's own input: ORT reproduces what the recording computed (DJL).
      Map<String, float[]> same = runOrt(file, rec.input(), 1, 3, 224, 320);
      for (Map.Entry<String, float[]> e : rec.outputs().entrySet()) {
        double rel = maxRel(same.get(e.getKey()), e.getValue());
        assertTrue(rel <= 1e-4, e.getKey() + " vs DJL: max-rel " + rel);
      }

      // The fixture's input: ORT against mmdetection's raw outputs and detections.
      Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
      float[] x = io.get("inputs").toFloats();
      Map<String, float[]> out = runOrt(file, x, 1, 3, 224, 320);
      double worst = 0;
      for (String name : out.keySet()) {
        double rel = maxRel(out.get(name), io.get(name).toFloats());
        worst = Math.max(worst, rel);
        assertTrue(rel <= 1e-4, name + " vs mmdetection: max-rel " + rel);
      }
      System.out.printf("onnxruntime vs mmdetection raw outputs: max-rel %.2e%n", worst);
      try (TensorScope scope = TensorScope.open()) {
        Map<String, List<Tensor>> maps = new LinkedHashMap<>();
        for (String name : out.keySet()) {
          String map = name.substring(0, name.indexOf('.'));
          int[] shape = io.get(name).shape().dims();
          maps.computeIfAbsent(map, k -> new ArrayList<>())
              .add(rb.fromFloats(out.get(name), shape));
        }
        Detections d = det.head().predictByFeat(new HeadOutputs(maps), List.of(IMAGE_META)).get(0);
        assertArrayEquals(
            Arrays.stream(io.get("det.labels").toLongs()).mapToInt(v -> (int) v).toArray(),
            d.labels(),
            "labels");
        float[] eb = io.get("det.bboxes").toFloats();
        for (int i = 0; i < eb.length; i++) {
          assertEquals(eb[i], d.boxes()[i], 1e-3, "box coordinate " + i);
        }
      }
    }
  }

  @Test
  void dynamicShapeExportRunsAtTwoSizes() throws Exception {
    Backend djl = TestRuntime.backend("djl");
    RecordingBackend rb = new RecordingBackend(djl, DetectorExporter.DEFAULT_OPSET, true);
    try (SingleStageDetector det = build(rb)) {
      DetectorExporter.Recorded rec = DetectorExporter.record(det, rb, 1, 224, 320);
      Path file = tmp.resolve("dynamic.onnx");
      DetectorExporter.write(rec.graph(), DetectorExporter.DEFAULT_OPSET, "test", Map.of(), file);
      Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
      Map<String, float[]> a = runOrt(file, io.get("inputs").toFloats(), 1, 3, 224, 320);
      for (String name : a.keySet()) {
        double rel = maxRel(a.get(name), io.get(name).toFloats());
        assertTrue(rel <= 1e-4, name + " at 224x320: max-rel " + rel);
      }
      // A second size (and batch 2): against the same model run eagerly on DJL.
      float[] x = new float[2 * 3 * 160 * 256];
      java.util.Random rnd = new java.util.Random(1);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      Map<String, float[]> b = runOrt(file, x, 2, 3, 160, 256);
      try (TensorScope scope = TensorScope.open()) {
        Map<String, Tensor> eager = det.forward(rb.fromFloats(x, 2, 3, 160, 256)).flat();
        assertEquals(eager.keySet(), b.keySet());
        for (String name : b.keySet()) {
          double rel = maxRel(b.get(name), eager.get(name).toFloatArray());
          assertTrue(rel <= 1e-4, name + " at 2x160x256: max-rel " + rel);
        }
      }
    }
  }

  @Test
  void anOpTheGraphCannotExpressNamesOpAndCaller() {
    RecordingBackend rb = new RecordingBackend(TestRuntime.backend("djl"), 17, false);
    try (TensorScope scope = TensorScope.open()) {
      Tensor x = rb.input("inputs", new float[] {3, 1, 2}, 3);
      ExportException e = assertThrows(ExportException.class, () -> x.sort(0, true));
      // The host sort reads the traced values back: that read is what the graph cannot express.
      assertTrue(
          e.getMessage().matches("export: op 'to(Floats|Doubles)' cannot be expressed.*"),
          e.getMessage());
      assertTrue(e.getMessage().contains("OnnxExportParityTest"), e.getMessage());
    }
  }
}
