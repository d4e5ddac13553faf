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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad inputs give a {@link CocoFormatException} naming the file and the offending entry. */
class CocoJsonTest {
  private static final String IMAGES = "\"images\": [{\"id\": 1}, {\"id\": 2, \"width\": 10}]";
  private static final String CATEGORIES =
      "\"categories\": [{\"id\": 3, \"name\": \"car\"}, {\"id\": 1, \"name\": \"person\"}]";
  private static final String ANN =
      "{\"id\": 10, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 30, 40],"
          + " \"area\": 900.5, \"iscrowd\": 0, \"segmentation\": [[1, 2, 3, 4]]}";
  private static final String GOOD_GT =
      "{\"info\": {}, " + IMAGES + ", \"annotations\": [" + ANN + "], " + CATEGORIES + "}";

  @TempDir Path tmp;

  private Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private CocoGroundTruth goodGt() throws IOException {
    return CocoJson.loadGroundTruth(write("gt.json", GOOD_GT));
  }

  private static String result(String imageId, String categoryId, String bbox, String score) {
    return "{\"image_id\": "
        + imageId
        + ", \"category_id\": "
        + categoryId
        + ", \"bbox\": "
        + bbox
        + ", \"score\": "
        + score
        + "}";
  }

  private static final String OK_RESULT = result("1", "1", "[1.5, 2, 30, 40]", "0.9");

  @Test
  void readsAValidPair() throws IOException {
    CocoGroundTruth gt = goodGt();
    assertArrayEquals(new long[] {1, 2}, gt.imageIds());
    assertArrayEquals(new long[] {1, 3}, gt.categoryIds());
    assertEquals("person", gt.categoryName(1));
    assertEquals(1, gt.annotationCount());
    CocoDetections d =
        CocoJson.loadResults(
            write("dets.json", "[" + OK_RESULT + ", " + result("2", "3", "[0,0,1,1]", "1") + "]"),
            gt);
    assertEquals(2, d.size());
    CocoDetections empty = CocoJson.loadResults(write("none.json", "[]"), gt);
    assertEquals(0, empty.size());
  }

  @Test
  void missingFileIsAnIoError() {
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> CocoJson.loadGroundTruth(tmp.resolve("absent.json")));
    assertTrue(e.getMessage().contains("absent.json"), e.getMessage());
  }

  /** Each case: a ground-truth file and the text its error must contain. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "truncated JSON|{\"images\": [{\"id\": 1}|malformed JSON",
        "not an object|[1, 2]|must be a JSON object",
        "missing categories|{\"images\": [], \"annotations\": []}|missing top-level key"
            + " \"categories\"",
        "image without id|{\"images\": [{\"file_name\": \"a.jpg\"}], \"annotations\": [],"
            + " \"categories\": []}|images[0]: missing key \"id\"",
        "duplicate image id|{\"images\": [{\"id\": 5}, {\"id\": 5}], \"annotations\": [],"
            + " \"categories\": []}|images[1]: duplicate image id 5",
        "duplicate category id|{\"images\": [], \"annotations\": [], \"categories\": [{\"id\":"
            + " 1, \"name\": \"a\"}, {\"id\": 1, \"name\": \"b\"}]}|categories[1]: duplicate"
            + " category id 1",
        "annotation without area|{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}],"
            + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0,"
            + " 0, 1, 1]}]}|annotations[0]: missing key \"area\"",
        "duplicate annotation id|{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}],"
            + " \"annotations\": [{\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0,"
            + " 0, 1, 1], \"area\": 1}, {\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\":"
            + " [0, 0, 2, 2], \"area\": 4}]}|annotations[1] (id 4): duplicate annotation id 4",
        "annotation on unknown image|{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}],"
            + " \"annotations\": [{\"id\": 4, \"image_id\": 9, \"category_id\": 1, \"bbox\": [0,"
            + " 0, 1, 1], \"area\": 1}]}|annotations[0] (id 4): image_id 9",
        "annotation of unknown category|{\"images\": [{\"id\": 1}], \"categories\": [{\"id\":"
            + " 1}], \"annotations\": [{\"id\": 4, \"image_id\": 1, \"category_id\": 2, \"bbox\":"
            + " [0, 0, 1, 1], \"area\": 1}]}|annotations[0] (id 4): category_id 2",
        "gt bbox of length 3|{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}],"
            + " \"annotations\": [{\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0,"
            + " 0, 1], \"area\": 1}]}|annotations[0]: \"bbox\" must have 4 values",
        "string image id|{\"images\": [{\"id\": \"a\"}], \"annotations\": [], \"categories\":"
            + " []}|images[0]: \"id\" must be an integer, found the string \"a\"",
        "fractional id|{\"images\": [{\"id\": 1.5}], \"annotations\": [], \"categories\":"
            + " []}|images[0]: \"id\" must be an integer, found 1.5",
        "bad iscrowd|{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}], \"annotations\":"
            + " [{\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"area\":"
            + " 1, \"iscrowd\": 2}]}|\"iscrowd\" must be 0 or 1",
        "trailing content|{\"images\": [], \"annotations\": [], \"categories\": []} {}|unexpected"
            + " content after the top-level value"
      })
  void badGroundTruth(String name, String json, String expected) throws IOException {
    Path file = write("bad_gt.json", json);
    CocoFormatException e =
        assertThrows(CocoFormatException.class, () -> CocoJson.loadGroundTruth(file), name);
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(expected), "says what is wrong: " + e.getMessage());
  }

  /** Each case: a bad result after one good one, and the text its error must contain. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "image not in gt|{\"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\":"
            + " 0.5}|results[1] (image_id 7, category_id 1): image_id 7 is not an image of the"
            + " ground truth",
        "unknown category|{\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1, 1],"
            + " \"score\": 0.5}|results[1] (image_id 1, category_id 2): category_id 2 is not a"
            + " category",
        "NaN score|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\":"
            + " NaN}|results[1] (image_id 1, category_id 1): score is NaN",
        "negative score|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\":"
            + " -0.25}|results[1] (image_id 1, category_id 1): score -0.25 is not a finite number"
            + " >= 0",
        "infinite score|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\":"
            + " Infinity}|score Infinity is not a finite number",
        "string score|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\":"
            + " \"high\"}|results[1]: \"score\" must be a number, found the string \"high\"",
        "boolean score|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\":"
            + " true}|results[1]: \"score\" must be a number, found true",
        "null score|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\":"
            + " null}|results[1]: \"score\" must be a number, found null",
        "missing score|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1,"
            + " 1]}|results[1]: missing key \"score\"",
        "missing bbox|{\"image_id\": 1, \"category_id\": 1, \"segmentation\": {}, \"score\":"
            + " 0.5}|results[1]: missing key \"bbox\"",
        "bbox of length 5|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1, 1],"
            + " \"score\": 0.5}|results[1]: \"bbox\" must have 4 values [x, y, w, h], found 5",
        "bbox of length 0|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [], \"score\":"
            + " 0.5}|results[1]: \"bbox\" must have 4 values [x, y, w, h], found 0",
        "bbox not an array|{\"image_id\": 1, \"category_id\": 1, \"bbox\": 3, \"score\":"
            + " 0.5}|results[1]: \"bbox\" must be an array",
        "non-numeric bbox|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, \"x\", 1, 1],"
            + " \"score\": 0.5}|results[1]: \"bbox[1]\" must be a number",
        "NaN in bbox|{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, NaN, 1, 1], \"score\":"
            + " 0.5}|results[1] (image_id 1, category_id 1): bbox [0.0, NaN, 1.0, 1.0] has a"
            + " non-finite value",
        "not an object|[1, 2]|results[1]: expected an object",
        "truncated|{\"image_id\": 1, \"category_id\"|malformed JSON"
      })
  void badResults(String name, String entry, String expected) throws IOException {
    CocoGroundTruth gt = goodGt();
    Path file = write("bad_dets.json", "[" + OK_RESULT + ", " + entry + "]");
    CocoFormatException e =
        assertThrows(CocoFormatException.class, () -> CocoJson.loadResults(file, gt), name);
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(expected), "says what is wrong: " + e.getMessage());
  }

  @Test
  void resultsMustBeAnArray() throws IOException {
    CocoGroundTruth gt = goodGt();
    Path file = write("obj.json", "{\"annotations\": []}");
    CocoFormatException e =
        assertThrows(CocoFormatException.class, () -> CocoJson.loadResults(file, gt));
    assertTrue(e.getMessage().contains("must be a JSON array"), e.getMessage());
  }
}
