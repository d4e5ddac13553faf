package dev.detkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.structures.DetSample;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** The training transforms' box arithmetic, as mmdet 3.x defines it (reference §1.3). */
class TrainTransformsTest {
  @BeforeAll
  static void opencv() {
    OpenCv.load();
  }

  static Results image(int h, int w, float[] boxes, int[] labels) {
    Results r = new Results("x.png", 1);
    r.img = new Mat(h, w, CvType.CV_8UC3, new Scalar(10, 20, 30));
    r.imgShape = new int[] {h, w};
    r.oriShape = new int[] {h, w};
    r.gtBboxes = boxes;
    r.gtLabels = labels;
    r.gtIgnore = new boolean[labels.length];
    return r;
  }

  @Test
  void flipMirrorsBoxesWithoutMinusOne() {
    Results r = image(20, 100, new float[] {10, 2, 30, 8}, new int[] {0});
    r.rng =
        new Random(0) {
          @Override
          public double nextDouble() {
            return 0.1;
          }
        };
    new RandomFlip(new RandomFlip.Args(0.5, "horizontal")).apply(r);
    assertTrue(r.flip);
    assertArrayEquals(new float[] {70, 2, 90, 8}, r.gtBboxes);
  }

  @Test
  void cropShiftsClipsAndDropsBoxesOutside() {
    float[] boxes = {0, 0, 10, 10, 50, 50, 90, 70, 95, 95, 99, 99};
    Results r = image(100, 100, boxes, new int[] {0, 1, 2});
    r.rng = new Random(1);
    RandomCrop crop =
        new RandomCrop(new RandomCrop.Args(List.of(60, 60), "absolute", false, false, true));
    // with offsets (ox, oy) drawn in [0, 40], check the kept boxes against the rule directly
    Random probe = new Random(1);
    int oy = probe.nextInt(41);
    int ox = probe.nextInt(41);
    Results out = crop.apply(r);
    if (out == null) {
      return;
    }
    assertArrayEquals(new int[] {60, 60}, out.imgShape);
    int k = 0;
    for (int i = 0; i < 3; i++) {
      float x1 = Math.max(0, Math.min(boxes[4 * i] - ox, 60));
      float y1 = Math.max(0, Math.min(boxes[4 * i + 1] - oy, 60));
      float x2 = Math.max(0, Math.min(boxes[4 * i + 2] - ox, 60));
      float y2 = Math.max(0, Math.min(boxes[4 * i + 3] - oy, 60));
      if (x1 < 60 && y1 < 60 && x2 > 0 && y2 > 0) {
        assertArrayEquals(
            new float[] {x1, y1, x2, y2},
            java.util.Arrays.copyOfRange(out.gtBboxes, 4 * k, 4 * k + 4),
            "box " + i);
        assertEquals(i, out.gtLabels[k++]);
      }
    }
    assertEquals(k, out.gtLabels.length);
  }

  @Test
  void cropWithoutBoxesLeftIsRejectedUnlessAllowed() {
    Results r = image(100, 100, new float[] {0, 0, 5, 5}, new int[] {0});
    r.rng =
        new Random(0) {
          @Override
          public int nextInt(int bound) {
            return bound - 1;
          }
        };
    assertNull(
        new RandomCrop(new RandomCrop.Args(List.of(50, 50), "absolute", false, false, true))
            .apply(r));
    Results again = image(100, 100, new float[] {0, 0, 5, 5}, new int[] {0});
    again.rng = r.rng;
    Results kept =
        new RandomCrop(new RandomCrop.Args(List.of(50, 50), "absolute", true, false, true))
            .apply(again);
    assertEquals(0, kept.gtLabels.length);
  }

  @Test
  void randomResizeDrawsWithinTheRatioRange() {
    RandomResize rr =
        new RandomResize(
            new RandomResize.Args(List.of(100, 100), List.of(0.8, 1.2), "Resize", true, true));
    Random rng = new Random(5);
    for (int i = 0; i < 200; i++) {
      int[] s = rr.sample(rng);
      assertTrue(s[0] >= 80 && s[0] <= 120 && s[0] == s[1], java.util.Arrays.toString(s));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new RandomResize.Args(List.of(100, 100), List.of(1.2, 0.8), "Resize", true, true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RandomResize.Args(List.of(100, 100), null, "FixScaleResize", true, true));
  }

  @Test
  void crowdBoxesDoNotTrain() {
    Results r = image(10, 10, new float[] {0, 0, 5, 5, 1, 1, 9, 9}, new int[] {3, 4});
    r.gtIgnore = new boolean[] {true, false};
    DetSample s = PackDetInputs.pack(r);
    assertArrayEquals(new int[] {4}, s.gt().labels());
    assertArrayEquals(new float[] {1, 1, 9, 9}, s.gt().bboxes());
  }
}
