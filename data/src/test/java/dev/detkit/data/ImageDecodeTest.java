package dev.detkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.Warnings;
import dev.detkit.api.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/** Image files that decode badly: empty, huge, truncated. */
class ImageDecodeTest {
  @TempDir Path dir;

  @Test
  void emptyAndHugeFilesFailBeforeDecoding() throws IOException {
    Path empty = Files.createFile(dir.resolve("e.png"));
    ImageLoadException e =
        assertThrows(ImageLoadException.class, () -> LoadImageFromFile.decode(empty));
    assertEquals(empty + ": empty file (0 bytes), not an image", e.getMessage());
    Path huge = dir.resolve("h.jpg");
    try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(LoadImageFromFile.MAX_FILE_BYTES + 1);
    }
    e = assertThrows(ImageLoadException.class, () -> LoadImageFromFile.decode(huge));
    assertTrue(e.getMessage().contains("are refused"), e.getMessage());
  }

  @Test
  void truncatedJpegDecodesAsOpenCvDoesButWarns() throws IOException {
    byte[] jpg = Files.readAllBytes(Fixtures.dir("retinanet_effb0_small").resolve("image.jpg"));
    assertFalse(LoadImageFromFile.isTruncatedJpeg(jpg));
    Path cut = dir.resolve("cut.jpg");
    Files.write(cut, Arrays.copyOf(jpg, jpg.length / 2));
    StringWriter log = new StringWriter();
    Warnings.sendTo(new PrintWriter(log));
    Mat img = LoadImageFromFile.decode(cut);
    assertEquals(300, img.rows());
    assertTrue(log.toString().startsWith("warning: " + cut + ": truncated JPEG"), log.toString());
  }
}
