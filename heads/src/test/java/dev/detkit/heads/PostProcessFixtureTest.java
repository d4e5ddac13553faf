package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Post-processing fed with mmdetection's stored head outputs reproduces its per-level top-k, NMS
 * inputs and outputs and final detections exactly (fixture retinanet_effb0_small, the network's
 * outputs and the network-free {@code pp.*} case).
 */
class PostProcessFixtureTest {
  static final String FIXTURE = "retinanet_effb0_small";

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"djl,''", "djl,pp.", "nd4j,''", "nd4j,pp."})
  void reproducesMmdetection(String backend, String prefix) {
    Backend b = TestRuntime.backend(backend);
    Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
    ImageMeta meta =
        prefix.isEmpty()
            ? new ImageMeta(
                "image.png",
                0,
                new int[] {300, 451},
                new int[] {213, 320},
                new double[] {0.7095343680709535, 0.71},
                new int[] {224, 320},
                new int[] {224, 320})
            : new ImageMeta(
                "pp",
                0,
                new int[] {119, 161},
                new int[] {90, 122},
                new double[] {0.7577639751552795, 0.7563025210084033},
                new int[] {96, 128},
                new int[] {96, 128});
    AnchorGenerator g = OpsFixtureTest.retinaAnchors();
    TestCfg cfg = new TestCfg(1000, 0, 0.05, new TestCfg.NmsCfg("nms", 0.5, false, 10000), 100);
    DensePostProcessor post = new DensePostProcessor(OpsFixtureTest.coder(false), cfg);
    try (TensorScope s = TensorScope.open()) {
      List<Tensor> cls = new ArrayList<>();
      List<Tensor> reg = new ArrayList<>();
      List<float[]> priors = new ArrayList<>();
      for (int l = 0; l < 5; l++) {
        Tensor c = io.get(prefix + "cls_scores." + l).toTensor(b).squeeze(0);
        cls.add(c);
        reg.add(io.get(prefix + "bbox_preds." + l).toTensor(b).squeeze(0));
        priors.add(g.gridPriors(l, c.dim(1), c.dim(2)));
      }
      List<DensePostProcessor.Trace> trace = new ArrayList<>();
      Detections det = post.predictTraced(cls, reg, null, priors, 80, meta, trace);
      DensePostProcessor.Trace t = trace.get(0);
      for (int l = 0; l < 5; l++) {
        String k = prefix + "post.topk." + l;
        assertArrayEquals(
            OpsFixtureTest.ints(io.get(k + ".anchor_idxs")),
            t.topk().get(l).anchorIdxs(),
            k + ".anchor_idxs");
        assertArrayEquals(
            OpsFixtureTest.ints(io.get(k + ".labels")), t.topk().get(l).labels(), k + ".labels");
        OpsFixtureTest.assertClose(
            io.get(k + ".scores"),
            t.topk().get(l).scores(),
            backend.equals("djl") ? 0 : 1e-6,
            k + ".scores");
      }
      assertArrayEquals(
          OpsFixtureTest.ints(io.get(prefix + "post.nms_in.labels")),
          t.nmsInLabels(),
          "nms_in.labels");
      OpsFixtureTest.assertClose(
          io.get(prefix + "post.nms_in.bboxes"),
          t.nmsInBoxes(),
          backend.equals("djl") ? 0 : 2e-6,
          "nms_in.bboxes");
      assertArrayEquals(
          OpsFixtureTest.ints(io.get(prefix + "post.nms.keep")), t.keep(), "nms.keep");
      assertArrayEquals(
          OpsFixtureTest.ints(io.get(prefix + "det.labels")), det.labels(), "det.labels");
      float[] eb = io.get(prefix + "det.bboxes").toFloats();
      float[] es = io.get(prefix + "det.scores").toFloats();
      assertEquals(es.length, det.size());
      for (int i = 0; i < eb.length; i++) {
        assertEquals(eb[i], det.boxes()[i], 1e-3, "det box coordinate " + i);
      }
      for (int i = 0; i < es.length; i++) {
        assertEquals(es[i], det.scores()[i], 1e-5, "det score " + i);
      }
    }
  }
}
