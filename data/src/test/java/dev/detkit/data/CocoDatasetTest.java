package dev.detkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mmdet's CocoDataset rules: label mapping, skipped annotations, filters, test mode, errors. */
class CocoDatasetTest {
  @TempDir Path dir;

  static final String GT =
      "{\"images\": [{\"id\": 5, \"file_name\": \"a.jpg\", \"width\": 100, \"height\": 80},"
          + " {\"id\": 2, \"file_name\": \"b.jpg\", \"width\": 20, \"height\": 20},"
          + " {\"id\": 7, \"file_name\": \"c.jpg\", \"width\": 100, \"height\": 100}],"
          + " \"annotations\": ["
          + "{\"id\": 1, \"image_id\": 5, \"category_id\": 3, \"bbox\": [10, 10, 20, 30], \"area\": 600, \"iscrowd\": 0},"
          + "{\"id\": 2, \"image_id\": 5, \"category_id\": 1, \"bbox\": [0, 0, 5, 5], \"area\": 25, \"iscrowd\": 1},"
          + "{\"id\": 3, \"image_id\": 5, \"category_id\": 1, \"bbox\": [0, 0, 0.5, 5], \"area\": 2.5},"
          + "{\"id\": 4, \"image_id\": 5, \"category_id\": 1, \"bbox\": [200, 200, 5, 5], \"area\": 25},"
          + "{\"id\": 5, \"image_id\": 5, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"area\": 25, \"ignore\": 1},"
          + "{\"id\": 6, \"image_id\": 2, \"category_id\": 99, \"bbox\": [1, 1, 5, 5], \"area\": 25},"
          + "{\"id\": 7, \"image_id\": 2, \"category_id\": 3, \"bbox\": [1, 1, 5, 5], \"area\": 25}],"
          + " \"categories\": [{\"id\": 3, \"name\": \"car\"}, {\"id\": 1, \"name\": \"person\"}, {\"id\": 99, \"name\": \"unicorn\"}]}";

  CocoDataset load(
      String json, boolean testMode, Map<String, Object> filter, Map<String, Object> metainfo)
      throws IOException {
    Files.writeString(dir.resolve("ann.json"), json);
    return CocoDataset.load(
        new CocoDataset.Args(
            dir.toString(),
            "ann.json",
            Map.of("img", "imgs/"),
            metainfo,
            filter,
            testMode,
            List.of(),
            null,
            false,
            null,
            1000,
            false,
            "CocoDataset"));
  }

  @Test
  void indicesTakeMmengineSubsetsAfterFiltering() throws IOException {
    Files.writeString(dir.resolve("ann.json"), GT);
    List<CocoDataset.Item> all = load(GT, true, null, null).items();
    assertEquals(List.of(all.get(0), all.get(1)), CocoDataset.subset(all, 2, dir));
    assertEquals(List.of(all.get(2)), CocoDataset.subset(all, -1, dir), "negative: the last ones");
    assertEquals(all, CocoDataset.subset(all, 10, dir), "more than there are: all");
    assertEquals(List.of(all.get(2), all.get(0)), CocoDataset.subset(all, List.of(2, 0), dir));
    ImageLoadException e =
        assertThrows(ImageLoadException.class, () -> CocoDataset.subset(all, List.of(3), dir));
    assertTrue(e.getMessage().contains("indices: 3 is out of range for 3 images"), e.getMessage());
    assertThrows(ImageLoadException.class, () -> CocoDataset.subset(all, "first", dir));
  }

  @Test
  void labelsFollowFileOrderOfKnownClassesAndSkipsAreCounted() throws IOException {
    CocoDataset d = load(GT, true, null, null);
    assertEquals(List.of(3L, 1L), d.catIds(), "unicorn is not a COCO class; order is the file's");
    assertEquals(3, d.items().size(), "test mode keeps every image");
    CocoDataset.Item a = d.items().get(0);
    assertEquals(5, a.imgId());
    assertEquals(dir.resolve("imgs/a.jpg").toString(), a.path());
    assertArrayEquals(new float[] {10, 10, 30, 40, 0, 0, 5, 5}, a.boxes());
    assertArrayEquals(new int[] {0, 1}, a.labels());
    assertArrayEquals(new boolean[] {false, true}, a.crowd());
    assertEquals(4, d.skippedAnnotations(), "w<1, outside the image, ignore, unknown category");
  }

  @Test
  void filtersApplyOutsideTestMode() throws IOException {
    CocoDataset d = load(GT, false, Map.of("filter_empty_gt", true, "min_size", 32), null);
    assertEquals(
        List.of(5L),
        d.items().stream().map(CocoDataset.Item::imgId).toList(),
        "c has no boxes, b is smaller than 32");
    CocoDataset classes = load(GT, true, null, Map.of("classes", List.of("person")));
    assertEquals(List.of(1L), classes.catIds());
  }

  @Test
  void malformedFilesNameTheEntry() throws IOException {
    ImageLoadException dup =
        assertThrows(
            ImageLoadException.class,
            () ->
                load(
                    GT.replace("\"id\": 7, \"image_id\"", "\"id\": 1, \"image_id\""),
                    true,
                    null,
                    null));
    assertTrue(
        dup.getMessage().contains("annotations[6]: duplicate annotation id 1"), dup.getMessage());
    ImageLoadException noImage =
        assertThrows(
            ImageLoadException.class,
            () ->
                load(
                    GT.replace(
                        "\"image_id\": 2, \"category_id\": 3",
                        "\"image_id\": 42, \"category_id\": 3"),
                    true,
                    null,
                    null));
    assertTrue(noImage.getMessage().contains("image_id 42 is not in images"), noImage.getMessage());
    ImageLoadException missingKey =
        assertThrows(
            ImageLoadException.class,
            () -> load(GT.replace("\"width\": 20, ", ""), true, null, null));
    assertTrue(
        missingKey.getMessage().contains("missing or non-numeric 'width'"),
        missingKey.getMessage());
    ImageLoadException notJson =
        assertThrows(ImageLoadException.class, () -> load("{oops", true, null, null));
    assertTrue(notJson.getMessage().contains("malformed annotation JSON"), notJson.getMessage());
  }
}
