package dev.detkit.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.detkit.api.testing.Fixtures;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parallel byte-level result reader gives exactly what the streaming reader gives. */
class ResultsFastParserTest {

  @Test
  void fixtureResultsParseIdenticallyInPiecesAndStreaming() throws IOException {
    Path dir = Fixtures.dir("coco_eval_small");
    CocoGroundTruth gt = CocoJson.loadGroundTruth(dir.resolve("gt.json"));
    byte[] bytes = Files.readAllBytes(dir.resolve("dets.json"));
    CocoDetections streamed;
    try (Reader r = Files.newBufferedReader(dir.resolve("dets.json"))) {
      streamed = CocoJson.readResults(r, "dets.json", gt);
    }
    ForkJoinPool pool = new ForkJoinPool(3);
    try {
      for (int minPiece : new int[] {1, 100, 5000, 1 << 20}) {
        ResultsFastParser.Raw raw = ResultsFastParser.parse(bytes, pool, minPiece);
        assertNotNull(raw, "fast path taken, pieces >= " + minPiece);
        assertEquals(streamed.size(), raw.size());
        for (int i = 0; i < raw.size(); i++) {
          assertEquals(gt.imageIds()[streamed.image[i]], raw.imageId()[i]);
          assertEquals(gt.categoryIds()[streamed.category[i]], raw.categoryId()[i]);
        }
        assertArrayEquals(streamed.x, raw.x(), 0.0);
        assertArrayEquals(streamed.y, raw.y(), 0.0);
        assertArrayEquals(streamed.w, raw.w(), 0.0);
        assertArrayEquals(streamed.h, raw.h(), 0.0);
        assertArrayEquals(streamed.score, raw.score(), 0.0);
      }
    } finally {
      pool.shutdown();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0.0",
        "0.033",
        "0.1",
        "0.30000000000000004",
        "161.97999572753906",
        "0.7168072462081909",
        "9007199254740993",
        "123456789012345678901",
        "1e-5",
        "1E+2",
        "2.5e-3",
        "4.9e-324",
        "1.7976931348623157e308",
        "1e400",
        "0.000000000000000000000000001234",
        "1234567.000000000000000000001",
        "99999999999999999e-17"
      })
  void numbersAreCorrectlyRounded(String text) {
    String json =
        "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": ["
            + text
            + ", 0, 0, 0], \"score\": "
            + text
            + "}]";
    ResultsFastParser.Raw raw =
        ResultsFastParser.parse(json.getBytes(StandardCharsets.UTF_8), ForkJoinPool.commonPool());
    assertNotNull(raw);
    double want = Double.parseDouble(text);
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(raw.x()[0]), text);
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(raw.score()[0]));
  }

  @Test
  void otherKeysAndNestedValuesAreSkipped() {
    String json =
        " [ {\"id\": 5, \"segmentation\": {\"counts\": \"a\\\"]}b\", \"size\": [1, 2]},"
            + " \"image_id\": 7.0, \"bbox\": [1,2,3,4], \"extra\": [true, false, null, -1e3],"
            + " \"category_id\": 3, \"score\": NaN} ]\n";
    ResultsFastParser.Raw raw =
        ResultsFastParser.parse(json.getBytes(StandardCharsets.UTF_8), ForkJoinPool.commonPool());
    assertNotNull(raw);
    assertEquals(7, raw.imageId()[0]);
    assertEquals(3, raw.categoryId()[0]);
    assertEquals(4.0, raw.h()[0], 0.0);
    assertEquals(true, Double.isNaN(raw.score()[0]));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[{\"image_id\": 1}]",
        "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1], \"score\": 1}]",
        "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1, 1], \"score\": \"1\"}]",
        "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1, 1], \"score\": 1},]",
        "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1, 1], \"score\": 1}] []",
        "[{\"image_id\": 1.5, \"category_id\": 2, \"bbox\": [0, 0, 1, 1], \"score\": 1}]",
        "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1, 1], \"score\": 1.}]",
        "[1, 2]"
      })
  void anythingUnexpectedIsLeftToTheStreamingReader(String json) {
    assertNull(
        ResultsFastParser.parse(json.getBytes(StandardCharsets.UTF_8), ForkJoinPool.commonPool()));
  }
}
