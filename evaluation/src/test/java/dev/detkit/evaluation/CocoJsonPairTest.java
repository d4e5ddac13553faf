package dev.detkit.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CocoJson#loadGroundTruthAndResults} reads both files at once yet reports what loading them
 * one after the other would: the ground truth's error first, then the first bad result.
 */
class CocoJsonPairTest {
  private static final String GT =
      "{\"images\": [{\"id\": 1}, {\"id\": 2}], \"categories\": [{\"id\": 1}], \"annotations\":"
          + " [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 4, 4], \"area\":"
          + " 16}]}";

  @TempDir Path tmp;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(tmp.resolve(name), content);
  }

  private static String result(int imageId, String score) {
    return "{\"image_id\": "
        + imageId
        + ", \"category_id\": 1, \"bbox\": [0.5, 1, 3, 2.25], \"score\": "
        + score
        + "}";
  }

  @Test
  void sameDetectionsAsLoadingOneAfterTheOther() throws IOException {
    Path gt = write("gt.json", GT);
    Path dets = write("dets.json", "[" + result(1, "0.9") + ", " + result(2, "0.25") + "]");
    CocoDetections pair = CocoJson.loadGroundTruthAndResults(gt, dets);
    CocoDetections one = CocoJson.loadResults(dets, CocoJson.loadGroundTruth(gt));
    assertEquals(2, pair.size());
    assertArrayEquals(one.image, pair.image);
    assertArrayEquals(one.x, pair.x);
    assertArrayEquals(one.h, pair.h);
    assertArrayEquals(one.score, pair.score);
    assertArrayEquals(new long[] {1, 2}, pair.groundTruth().imageIds());
  }

  @Test
  void groundTruthErrorComesFirst() throws IOException {
    Path gt = write("gt.json", "{\"images\": [{\"id\": 1}], \"annotations\": []}");
    Path dets = write("dets.json", "[" + result(1, "\"high\"") + "]");
    CocoFormatException e =
        assertThrows(CocoFormatException.class, () -> CocoJson.loadGroundTruthAndResults(gt, dets));
    assertTrue(e.getMessage().contains("missing top-level key \"categories\""), e.getMessage());
  }

  @Test
  void anEarlierResultOnAnUnknownImageComesBeforeALaterSyntaxError() throws IOException {
    Path gt = write("gt.json", GT);
    Path dets =
        write(
            "dets.json",
            "[" + result(1, "0.5") + ", " + result(9, "0.5") + ", " + result(1, "\"x\"") + "]");
    CocoFormatException e =
        assertThrows(CocoFormatException.class, () -> CocoJson.loadGroundTruthAndResults(gt, dets));
    assertTrue(e.getMessage().contains("results[1] (image_id 9, category_id 1)"), e.getMessage());
  }

  @Test
  void aSyntaxErrorAfterGoodResultsIsReported() throws IOException {
    Path gt = write("gt.json", GT);
    Path dets = write("dets.json", "[" + result(1, "0.5") + ", " + result(2, "\"x\"") + "]");
    CocoFormatException e =
        assertThrows(CocoFormatException.class, () -> CocoJson.loadGroundTruthAndResults(gt, dets));
    assertTrue(
        e.getMessage().contains("results[1]: \"score\" must be a number, found the string \"x\""),
        e.getMessage());
  }

  @Test
  void aMissingResultFileIsAnIoError() throws IOException {
    Path gt = write("gt.json", GT);
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> CocoJson.loadGroundTruthAndResults(gt, tmp.resolve("absent.json")));
    assertTrue(e.getMessage().contains("absent.json"), e.getMessage());
  }
}
