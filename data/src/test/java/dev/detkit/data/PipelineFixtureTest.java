package dev.detkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/** Decoding and resizing bit-exact with mmcv/cv2 (fixture retinanet_effb0_small), and bad files. */
class PipelineFixtureTest {
  @TempDir Path dir;

  static Pipeline testPipeline(int scale) {
    CfgNode cfg =
        Yaml.parseValue(
            "[{type: LoadImageFromFile}, {type: Resize, scale: ["
                + scale
                + ", "
                + scale
                + "], keep_ratio: true},"
                + " {type: LoadAnnotations, with_bbox: true},"
                + " {type: PackDetInputs, meta_keys: [img_id, img_path, ori_shape, img_shape, scale_factor]}]",
            new Origin("test", 0));
    return Pipeline.build(
        cfg, "test_dataloader.dataset.pipeline", new BuildContext(TestRuntime.registry(), null));
  }

  @Test
  void pngDecodeAndResizeAreBitExact() {
    Path d = Fixtures.dir("retinanet_effb0_small");
    Map<String, TensorData> io = Fixtures.tensors("retinanet_effb0_small", "io.safetensors");
    Mat decoded = LoadImageFromFile.decode(d.resolve("image.png"));
    assertArrayEquals(toBytes(io.get("pipeline.img_decoded_bgr")), OpenCv.bytes(decoded));
    DetSample s = testPipeline(320).load(d.resolve("image.png").toString(), 0);
    assertEquals(213, s.image().height());
    assertEquals(320, s.image().width());
    assertArrayEquals(toBytes(io.get("pipeline.img_resized_bgr")), s.image().pixels());
    assertArrayEquals(new int[] {300, 451}, s.meta().oriShape());
    assertArrayEquals(new int[] {213, 320}, s.meta().imgShape());
    assertArrayEquals(new double[] {0.7095343680709535, 0.71}, s.meta().scaleFactor());
  }

  @Test
  void jpegDecodeIsBitExact() {
    Path d = Fixtures.dir("retinanet_effb0_small");
    TensorData expected =
        Fixtures.tensors("retinanet_effb0_small", "image_jpg.safetensors").get("jpg_decoded_bgr");
    assertArrayEquals(
        toBytes(expected), OpenCv.bytes(LoadImageFromFile.decode(d.resolve("image.jpg"))));
  }

  static byte[] toBytes(TensorData t) {
    long[] v = t.toLongs();
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  @Test
  void badFilesAreClearErrors() throws IOException {
    Path missing = dir.resolve("nope.png");
    ImageLoadException e1 =
        assertThrows(ImageLoadException.class, () -> LoadImageFromFile.decode(missing));
    assertEquals(missing + ": image file not found", e1.getMessage());
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello");
    ImageLoadException e2 =
        assertThrows(ImageLoadException.class, () -> LoadImageFromFile.decode(text));
    assertTrue(e2.getMessage().startsWith(text + ": not a decodable image"), e2.getMessage());
    Path corrupt = dir.resolve("broken.png");
    byte[] png = Files.readAllBytes(Fixtures.dir("retinanet_effb0_small").resolve("image.png"));
    Files.write(corrupt, java.util.Arrays.copyOf(png, 64));
    ImageLoadException e3 =
        assertThrows(ImageLoadException.class, () -> LoadImageFromFile.decode(corrupt));
    assertTrue(e3.getMessage().startsWith(corrupt.toString()), e3.getMessage());
  }

  @Test
  void resizeArithmeticFollowsMmcv() {
    // 640x480 at (896, 896) keeps the ratio: long side 896.
    assertArrayEquals(new int[] {896, 672}, Resize.outputSize(640, 480, List.of(896, 896), true));
    assertArrayEquals(
        new int[] {1333, 800}, Resize.outputSize(640, 480, List.of(1333, 800), false));
    assertArrayEquals(new int[] {1067, 800}, Resize.outputSize(640, 480, List.of(1333, 800), true));
  }
}
