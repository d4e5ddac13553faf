package dev.detkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.testing.TestRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** Pad (mmdet's) and Resize without keep_ratio, built from config. */
class PadAndResizeTest {
  static Transform build(String yaml) {
    return TestRuntime.registry()
        .build(
            dev.detkit.api.registry.ComponentKind.TRANSFORM,
            (dev.detkit.api.config.CfgMap) Yaml.parseValue(yaml, new Origin("test", 0)),
            "pipeline.0",
            Transform.class,
            new BuildContext(TestRuntime.registry(), null));
  }

  static Results image(int h, int w, int value) {
    OpenCv.load();
    Results r = new Results("x", 0);
    r.img = new Mat(h, w, CvType.CV_8UC3, new Scalar(value, value, value));
    r.oriShape = new int[] {h, w};
    r.imgShape = new int[] {h, w};
    return r;
  }

  @Test
  void padToDivisorKeepsPixelsAndFillsBottomRight() {
    Results r = build("{type: Pad, size_divisor: 32, pad_val: 7}").apply(image(50, 70, 200));
    assertArrayEquals(new int[] {64, 96}, r.padShape);
    byte[] px = OpenCv.bytes(r.img);
    assertEquals((byte) 200, px[0]);
    assertEquals((byte) 200, px[(49 * 96 + 69) * 3]);
    assertEquals(7, px[(50 * 96 + 10) * 3]);
    assertEquals(7, px[(10 * 96 + 70) * 3 + 2]);
  }

  @Test
  void padToSizeAndSquare() {
    assertArrayEquals(
        new int[] {80, 100},
        build("{type: Pad, size: [100, 80]}").apply(image(50, 70, 1)).padShape);
    assertArrayEquals(
        new int[] {70, 70},
        build("{type: Pad, pad_to_square: true}").apply(image(50, 70, 1)).padShape);
    assertThrows(ConfigException.class, () -> build("{type: Pad}"));
  }

  @Test
  void resizeWithoutKeepRatioScalesEachAxis() {
    Results r =
        build("{type: Resize, scale: [140, 25], keep_ratio: false}").apply(image(50, 70, 9));
    assertArrayEquals(new int[] {25, 140}, r.imgShape);
    assertArrayEquals(new double[] {2.0, 0.5}, r.scaleFactor);
    assertEquals(List.of(140, 25), List.of(r.img.cols(), r.img.rows()));
  }
}
