package dev.detkit.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings beyond the fixture's two runs, on the fixture's files. The expected stats were computed
 * with pycocotools 2.0.11 (numpy 2.4.6) on the same files and settings; detkit's precision, recall
 * and scores arrays were also bit-identical to pycocotools' in each case.
 */
class CocoEvalVariantsTest {
  private static final double TOL = 1e-12;

  private static Path dir;
  private static CocoGroundTruth gt;
  private static CocoDetections dets;

  @BeforeAll
  static void load() {
    dir = Fixtures.dir("coco_eval_small");
    gt = CocoJson.loadGroundTruth(dir.resolve("gt.json"));
    dets = CocoJson.loadResults(dir.resolve("dets.json"), gt);
  }

  private static double[] stats(CocoParams p) {
    return new CocoEvaluator(p).evaluate(gt, dets).summarize().stats();
  }

  @Test
  void categoriesPooled() {
    // mmdet metric='proposal' sets useCats=0
    assertArrayEquals(
        new double[] {
          0.25852536467671317, 0.48257047450875495, 0.22154069193738096, 0.2124140524668965,
          0.28282433670162865, 0.32948722044822754, 0.09051724137931036, 0.42844827586206896,
          0.5594827586206896, 0.5354838709677419, 0.565625, 0.5956521739130435
        },
        stats(CocoParams.defaults().withUseCats(false)),
        TOL);
    assertArrayEquals(
        new double[] {
          0.25852536467671317, 0.4848086663580832, 0.23020603461756348, 0.212890062672942,
          0.2916269422375803, 0.32948722044822754, 0.5594827586206896, 0.5913793103448277,
          0.5913793103448277, 0.5451612903225806, 0.61875, 0.5956521739130435
        },
        stats(CocoParams.mmdet().withUseCats(false)),
        TOL);
  }

  @Test
  void otherIouThresholdsLeaveMissingStatsAtMinusOne() {
    double[] s = stats(CocoParams.defaults().withIouThrs(0.5, 0.9));
    assertArrayEquals(
        new double[] {
          0.273421828461343,
          0.49226017968199665,
          -1.0,
          0.27190164936797284,
          0.2925976622447992,
          0.3539515558698727,
          0.18839123671247082,
          0.4644477573243453,
          0.48995796140597797,
          0.5229166666666667,
          0.48309018567639256,
          0.4947916666666667
        },
        s,
        TOL);
  }

  @Test
  void imageSubset() {
    assertArrayEquals(
        new double[] {
          0.3649637553041019,
          0.5698373408769448,
          0.4544908062234795,
          0.3012376237623762,
          0.43292079207920786,
          0.625,
          0.3696428571428571,
          0.5321428571428571,
          0.5321428571428571,
          0.475,
          0.575,
          0.8
        },
        stats(CocoParams.defaults().withImgIds(46200, 45837, 592689)),
        TOL);
  }

  @Test
  void repeatedMaxDetsBroadcastLikeNumpy() {
    // summarize's stat 0 asks for maxDets=100, absent here: -1; the others select 3 equal cells
    assertArrayEquals(
        new double[] {
          -1.0,
          0.44332584048984286,
          0.2537702482101372,
          0.28562910686673065,
          0.27708312531972384,
          0.39946251768033947,
          0.4118309937405089,
          0.4118309937405089,
          0.4118309937405089,
          0.41291666666666665,
          0.3989758325965223,
          0.48333333333333334
        },
        stats(CocoParams.defaults().withMaxDets(3, 3, 3)),
        TOL);
  }

  @Test
  void aGtWithIdZeroNeverCountsAsMatched(@TempDir Path tmp) throws IOException {
    // pycocotools stores the matched gt id and tests it for truth: a match to id 0 is a miss
    JsonNode json = Json.parse(Files.readString(dir.resolve("gt.json")));
    ((ObjectNode) json.get("annotations").get(0)).put("id", 0);
    Path file = tmp.resolve("gt_id0.json");
    Files.writeString(file, Json.compact(json));
    CocoGroundTruth g = CocoJson.loadGroundTruth(file);
    CocoDetections d = CocoJson.loadResults(dir.resolve("dets.json"), g);
    assertArrayEquals(
        new double[] {
          0.28869091570453775, 0.4860091045262186, 0.28577547161186856, 0.2859578160962274,
          0.31995746028369343, 0.3760394566242339, 0.21136153190858922, 0.48769306270602614,
          0.5177951035223527, 0.5083333333333333, 0.5168656056587091, 0.5416666666666667
        },
        new CocoEvaluator(CocoParams.defaults()).evaluate(g, d).summarize().stats(),
        TOL);
  }

  @Test
  void summarizeNeedsThreeMaxDets() {
    CocoEvaluation e =
        new CocoEvaluator(CocoParams.defaults().withMaxDets(1, 5)).evaluate(gt, dets);
    assertEquals(2, e.precisionShape()[4]);
    IllegalStateException ex = assertThrows(IllegalStateException.class, e::summarize);
    assertTrue(ex.getMessage().contains("maxDets"), ex.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            CocoEval.evaluateFiles(
                dir.resolve("gt.json"), dir.resolve("dets.json"), new int[] {1, 5}, false));
  }

  @Test
  void detectionsMustBelongToTheEvaluatedGroundTruth() {
    CocoGroundTruth other = CocoJson.loadGroundTruth(dir.resolve("gt.json"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CocoEvaluator(CocoParams.defaults()).evaluate(other, dets));
  }

  @Test
  void syntheticSetIsReproducibleAndThreadCountIndependent(@TempDir Path tmp) throws IOException {
    SyntheticCoco.Spec spec = new SyntheticCoco.Spec(60, 80, 7.3, 100, 7L);
    SyntheticCoco.write(spec, tmp.resolve("gt.json"), tmp.resolve("dets.json"));
    SyntheticCoco.write(spec, tmp.resolve("gt2.json"), tmp.resolve("dets2.json"));
    assertEquals(-1L, Files.mismatch(tmp.resolve("dets.json"), tmp.resolve("dets2.json")));
    assertEquals(-1L, Files.mismatch(tmp.resolve("gt.json"), tmp.resolve("gt2.json")));
    CocoGroundTruth g = CocoJson.loadGroundTruth(tmp.resolve("gt.json"));
    CocoDetections d = CocoJson.loadResults(tmp.resolve("dets.json"), g);
    assertEquals(60, g.imageCount());
    assertEquals(6000, d.size());
    ForkJoinPool one = new ForkJoinPool(1);
    try {
      CocoEvaluation a = new CocoEvaluator(CocoParams.mmdet(), one).evaluate(g, d);
      CocoEvaluation b = new CocoEvaluator(CocoParams.mmdet()).evaluate(g, d);
      assertArrayEquals(a.precision(), b.precision(), 0.0);
      assertArrayEquals(a.recall(), b.recall(), 0.0);
      assertArrayEquals(a.scores(), b.scores(), 0.0);
      double ap = b.summarize().stat(0);
      assertTrue(ap > 0.05 && ap < 0.95, "a plausible AP: " + ap);
    } finally {
      one.shutdown();
    }
  }
}
