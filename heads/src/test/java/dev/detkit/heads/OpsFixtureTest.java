package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Anchors, box coder and NMS against mmdetection/mmcv outputs (fixture ops). */
class OpsFixtureTest {
  static Map<String, TensorData> ops;

  @BeforeAll
  static void load() {
    ops = Fixtures.tensors("ops", "ops.safetensors");
  }

  static AnchorGenerator retinaAnchors() {
    return new AnchorGenerator(
        new AnchorGenerator.Args(
            List.of(8, 16, 32, 64, 128),
            List.of(0.5, 1.0, 2.0),
            null,
            null,
            true,
            4,
            3,
            null,
            0.0,
            false));
  }

  @Test
  void baseAnchorsGridPriorsAndValidFlagsAreExact() {
    AnchorGenerator g = retinaAnchors();
    int[][] a = {{12, 17}, {6, 9}, {3, 5}, {2, 3}, {1, 2}};
    int[][] b = {{12, 20}, {6, 10}, {3, 5}, {2, 3}, {1, 2}};
    for (int l = 0; l < 5; l++) {
      assertArrayEquals(
          ops.get("anchor.base_anchors." + l).toFloats(), g.baseAnchors(l), "base anchors " + l);
      assertArrayEquals(
          ops.get("anchor.a.grid_priors." + l).toFloats(),
          g.gridPriors(l, a[l][0], a[l][1]),
          "priors a " + l);
      assertArrayEquals(
          ops.get("anchor.b.grid_priors." + l).toFloats(),
          g.gridPriors(l, b[l][0], b[l][1]),
          "priors b " + l);
      assertArrayEquals(
          flags(ops.get("anchor.a.valid_flags." + l)),
          g.validFlags(l, a[l][0], a[l][1], 90, 130),
          "valid a " + l);
      assertArrayEquals(
          flags(ops.get("anchor.b.valid_flags." + l)),
          g.validFlags(l, b[l][0], b[l][1], 70, 100),
          "valid b " + l);
    }
  }

  static boolean[] flags(TensorData t) {
    long[] v = t.toLongs();
    boolean[] out = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] != 0;
    }
    return out;
  }

  static DeltaXYWHBBoxCoder coder(boolean second) {
    return new DeltaXYWHBBoxCoder(
        second
            ? new DeltaXYWHBBoxCoder.Args(
                List.of(0.1, -0.1, 0.05, 0.0), List.of(0.1, 0.1, 0.2, 0.2), true, false, 32, false)
            : new DeltaXYWHBBoxCoder.Args(
                List.of(0.0, 0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0, 1.0), true, false, 32, false));
  }

  /**
   * DJL runs libtorch's own kernels: results are expected bit-identical; ND4J within float32
   * rounding.
   */
  @ParameterizedTest
  @ValueSource(strings = {"djl", "nd4j"})
  void coderEncodeAndDecode(String backend) {
    Backend b = TestRuntime.backend(backend);
    double tol = backend.equals("djl") ? 0 : 2e-6;
    try (TensorScope s = TensorScope.open()) {
      var props = ops.get("coder.encode.proposals").toTensor(b);
      var gts = ops.get("coder.encode.gts").toTensor(b);
      assertClose(
          ops.get("coder.encode.deltas"),
          coder(false).encode(props, gts).toFloatArray(),
          tol,
          "encode");
      assertClose(
          ops.get("coder.encode.deltas_coder2"),
          coder(true).encode(props, gts).toFloatArray(),
          tol,
          "encode coder2");
      var rois = ops.get("coder.decode.rois").toTensor(b);
      var deltas = ops.get("coder.decode.deltas").toTensor(b);
      assertClose(
          ops.get("coder.decode.bboxes_maxshape"),
          coder(false).decode(rois, deltas, new int[] {90, 130}).toFloatArray(),
          tol,
          "decode");
      assertClose(
          ops.get("coder.decode.bboxes_nomaxshape"),
          coder(false).decode(rois, deltas, null).toFloatArray(),
          tol,
          "decode no max");
      assertClose(
          ops.get("coder.decode.bboxes_coder2_maxshape"),
          coder(true).decode(rois, deltas, new int[] {90, 130}).toFloatArray(),
          tol,
          "decode coder2");
    }
  }

  static void assertClose(TensorData expected, float[] actual, double relTol, String what) {
    float[] e = expected.toFloats();
    assertEquals(e.length, actual.length, what);
    double scale = 0;
    double max = 0;
    for (int i = 0; i < e.length; i++) {
      scale = Math.max(scale, Math.abs(e[i]));
      if (Float.isInfinite(e[i]) || Float.isNaN(e[i])) {
        assertEquals(e[i], actual[i], what + " element " + i);
        continue;
      }
      max = Math.max(max, Math.abs(e[i] - actual[i]));
    }
    assertTrue(
        max <= relTol * scale, what + ": max abs diff " + max + " > " + relTol + " x " + scale);
  }

  static int[] ints(TensorData t) {
    return Arrays.stream(t.toLongs()).mapToInt(v -> (int) v).toArray();
  }

  @Test
  void nmsEdgeCasesIncludingTheOffsetRounding() {
    int[] keep =
        Nms.batched(
            ops.get("nms.edge.boxes").toFloats(),
            ops.get("nms.edge.scores").toFloats(),
            ints(ops.get("nms.edge.labels")),
            0.5f,
            false,
            10000);
    assertArrayEquals(ints(ops.get("nms.edge.keep")), keep);
    assertTrue(
        Arrays.stream(keep).anyMatch(k -> k == 7), "index 7 kept through the offset rounding");
  }

  @Test
  void nmsRandomClassAwareAndAgnostic() {
    float[] boxes = ops.get("nms.random.boxes").toFloats();
    float[] scores = ops.get("nms.random.scores").toFloats();
    int[] labels = ints(ops.get("nms.random.labels"));
    int[] keep = Nms.batched(boxes, scores, labels, 0.5f, false, 10000);
    assertArrayEquals(ints(ops.get("nms.random.keep")), keep);
    float[] dets = ops.get("nms.random.dets").toFloats();
    for (int i = 0; i < keep.length; i++) {
      for (int c = 0; c < 4; c++) {
        assertEquals(dets[5 * i + c], boxes[4 * keep[i] + c], "dets box " + i);
      }
      assertEquals(dets[5 * i + 4], scores[keep[i]], "dets score " + i);
    }
    assertArrayEquals(
        ints(ops.get("nms.random.class_agnostic.keep")),
        Nms.batched(boxes, scores, labels, 0.5f, true, 10000));
    // mmcv's per-class branch (at or above split_thr) keeps the same set in the same order here.
    assertArrayEquals(
        ints(ops.get("nms.random.keep")), Nms.batched(boxes, scores, labels, 0.5f, false, 1));
  }
}
