package dev.detkit.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * mmdet 3.x's {@code CocoDataset}: images and boxes from a COCO annotation file. Categories are
 * those named in {@code metainfo.classes} (COCO's 80 by default), in file order, mapped to labels
 * 0..K-1; boxes become {@code [x1, y1, x1 + w, y1 + h]}. Annotations mmdet skips (marked ignore,
 * empty after clipping to the image, area <= 0, w or h < 1, other categories) are skipped and
 * counted; malformed ones (missing keys, duplicate ids) are errors naming the file and entry.
 * Outside test mode, {@code filter_cfg} drops images without boxes and smaller than {@code
 * min_size}.
 */
public final class CocoDataset {

  /**
   * mmdet's arguments.
   *
   * @param dataRoot the root directory for data_prefix and ann_file ('' for paths as given)
   * @param annFile annotation file path (COCO JSON), under data_root
   * @param dataPrefix prefix of the data paths: img is the image directory under data_root
   * @param metainfo meta information for the dataset: classes lists the category names kept (in the
   *     file's order as labels 0..K-1); null keeps COCO's 80
   * @param filterCfg config for filtering data outside test mode: filter_empty_gt drops images
   *     without boxes, min_size drops images whose shorter side is smaller, in pixels
   * @param testMode whether the dataset is used for testing (filter_cfg then does nothing)
   * @param pipeline processing pipeline, a list of transform configs (the runner builds it from
   *     this key)
   * @param backendArgs arguments of the file backend; detkit reads local files only and ignores
   *     them
   * @param lazyInit whether to load the annotations only when first needed; detkit loads them when
   *     the dataset is built and ignores it
   * @param indices keep only some images after filtering: n (the first n), -n (the last n) or a
   *     list of positions; null keeps all
   * @param maxRefetch the maximum number of extra draws when a training pipeline returns nothing
   *     (an empty random crop)
   * @param serializeData whether to serialise the data list to save memory across workers; detkit
   *     ignores it (no effect on results)
   * @param type the registered dataset name, CocoDataset
   */
  public record Args(
      @Default("''") String dataRoot,
      String annFile,
      @Default("{img: ''}") Map<String, Object> dataPrefix,
      @Default("null") Map<String, Object> metainfo,
      @Default("null") Map<String, Object> filterCfg,
      @Default("false") boolean testMode,
      @Default("[]") List<Map<String, Object>> pipeline,
      @Default("null") Map<String, Object> backendArgs,
      @Default("false") boolean lazyInit,
      @Default("null") Object indices,
      @Default("1000") int maxRefetch,
      @Default("false") boolean serializeData,
      @Default("CocoDataset") String type) {}

  /** One image with its ground truth (boxes xyxy rows, labels, crowd flags). */
  public record Item(
      long imgId,
      String path,
      int width,
      int height,
      float[] boxes,
      int[] labels,
      boolean[] crowd) {}

  private final List<Item> items;
  private final List<String> classes;
  private final List<Long> catIds;
  private final Path annFile;
  private final int skippedAnnotations;

  private CocoDataset(
      List<Item> items, List<String> classes, List<Long> catIds, Path annFile, int skipped) {
    this.items = List.copyOf(items);
    this.classes = classes;
    this.catIds = catIds;
    this.annFile = annFile;
    this.skippedAnnotations = skipped;
  }

  public List<Item> items() {
    return items;
  }

  public List<String> classes() {
    return classes;
  }

  /** COCO category id of each label. */
  public List<Long> catIds() {
    return catIds;
  }

  public Path annFile() {
    return annFile;
  }

  /** Annotations skipped the way mmdet skips them. */
  public int skippedAnnotations() {
    return skippedAnnotations;
  }

  private static Path under(String root, String p) {
    return root.isEmpty() ? Path.of(p) : Path.of(root).resolve(p);
  }

  /** Loads the annotation file named by {@code args}. */
  @Component(
      kind = ComponentKind.DATASET,
      name = "CocoDataset",
      summary = "COCO annotations: images, boxes, category-to-label mapping as mmdet")
  @SuppressWarnings("unchecked")
  public static CocoDataset load(Args args) {
    Path ann = under(args.dataRoot(), args.annFile());
    Object prefix = args.dataPrefix().getOrDefault("img", "");
    Path imgDir = under(args.dataRoot(), String.valueOf(prefix));
    List<String> classes =
        args.metainfo() != null && args.metainfo().get("classes") instanceof List<?> l
            ? l.stream().map(String::valueOf).toList()
            : CocoClasses.NAMES;
    JsonNode root;
    try {
      root = Json.tree(Files.readString(ann, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new ImageLoadException(ann + ": malformed annotation JSON: " + Json.problem(e), e);
    } catch (IOException e) {
      throw new ImageLoadException(ann + ": cannot read annotation file: " + e.getMessage(), e);
    }
    if (!root.isObject()) {
      throw new ImageLoadException(ann + ": malformed annotation JSON: expected an object");
    }
    JsonNode cats = array(root, "categories", ann);
    List<Long> catIds = new ArrayList<>();
    Map<Long, Integer> cat2label = new HashMap<>();
    for (JsonNode o : cats) {
      String name = string(o, "name", ann, "categories");
      long id = number(o, "id", ann, "categories").longValue();
      if (classes.contains(name) && !cat2label.containsKey(id)) {
        cat2label.put(id, catIds.size());
        catIds.add(id);
      }
    }
    Map<Long, JsonNode> images = new LinkedHashMap<>();
    for (JsonNode o : array(root, "images", ann)) {
      long id = number(o, "id", ann, "images").longValue();
      if (images.put(id, o) != null) {
        throw new ImageLoadException(ann + ": images: duplicate image id " + id);
      }
      string(o, "file_name", ann, "images[id " + id + "]");
      number(o, "width", ann, "images[id " + id + "]");
      number(o, "height", ann, "images[id " + id + "]");
    }
    Map<Long, List<float[]>> boxes = new HashMap<>();
    Set<Long> annIds = new HashSet<>();
    int skipped = 0;
    JsonNode anns = root.path("annotations");
    if (!anns.isMissingNode() && !anns.isArray()) {
      throw new ImageLoadException(ann + ": 'annotations' must be a list");
    }
    for (int i = 0; i < anns.size(); i++) {
      JsonNode a = anns.get(i);
      String where = "annotations[" + i + "]";
      long id = number(a, "id", ann, where).longValue();
      if (!annIds.add(id)) {
        throw new ImageLoadException(ann + ": " + where + ": duplicate annotation id " + id);
      }
      long imgId = number(a, "image_id", ann, where).longValue();
      JsonNode img = images.get(imgId);
      if (img == null) {
        throw new ImageLoadException(
            ann + ": " + where + ": image_id " + imgId + " is not in images");
      }
      JsonNode bb = a.get("bbox");
      if (bb == null || !bb.isArray() || bb.size() != 4) {
        throw new ImageLoadException(ann + ": " + where + ": bbox must be [x, y, w, h]");
      }
      float x = (float) bb.get(0).asDouble();
      float y = (float) bb.get(1).asDouble();
      float w = (float) bb.get(2).asDouble();
      float h = (float) bb.get(3).asDouble();
      double iw = img.get("width").asDouble();
      double ih = img.get("height").asDouble();
      double interW = Math.max(0, Math.min(x + w, iw) - Math.max(x, 0));
      double interH = Math.max(0, Math.min(y + h, ih) - Math.max(y, 0));
      long cat = number(a, "category_id", ann, where).longValue();
      double area = a.has("area") ? a.get("area").asDouble() : w * h;
      boolean ignore = a.has("ignore") && a.get("ignore").asDouble() != 0;
      if (ignore
          || interW * interH == 0
          || area <= 0
          || w < 1
          || h < 1
          || !cat2label.containsKey(cat)) {
        skipped++;
        continue;
      }
      boolean crowd = a.has("iscrowd") && a.get("iscrowd").asDouble() != 0;
      boxes
          .computeIfAbsent(imgId, k -> new ArrayList<>())
          .add(new float[] {x, y, x + w, y + h, cat2label.get(cat), crowd ? 1 : 0});
    }
    Map<String, Object> filter = args.filterCfg() == null ? Map.of() : args.filterCfg();
    boolean filterEmpty = !args.testMode() && Boolean.TRUE.equals(filter.get("filter_empty_gt"));
    int minSize =
        args.testMode() || !(filter.get("min_size") instanceof Number n) ? 0 : n.intValue();
    List<Item> items = new ArrayList<>();
    for (Map.Entry<Long, JsonNode> e : images.entrySet()) {
      JsonNode o = e.getValue();
      List<float[]> b = boxes.getOrDefault(e.getKey(), List.of());
      int width = o.get("width").asInt();
      int height = o.get("height").asInt();
      if ((filterEmpty && b.isEmpty()) || Math.min(width, height) < minSize) {
        continue;
      }
      float[] xyxy = new float[4 * b.size()];
      int[] labels = new int[b.size()];
      boolean[] crowd = new boolean[b.size()];
      for (int i = 0; i < b.size(); i++) {
        System.arraycopy(b.get(i), 0, xyxy, 4 * i, 4);
        labels[i] = (int) b.get(i)[4];
        crowd[i] = b.get(i)[5] != 0;
      }
      String path = imgDir.resolve(o.get("file_name").asText()).toString();
      items.add(new Item(e.getKey(), path, width, height, xyxy, labels, crowd));
    }
    if (skipped > 0) {
      System.getLogger(CocoDataset.class.getName())
          .log(
              System.Logger.Level.WARNING,
              ann
                  + ": skipped "
                  + skipped
                  + " annotation(s) as mmdet does (ignore, empty, area <= 0, w/h < 1, other categories)");
    }
    return new CocoDataset(subset(items, args.indices(), ann), classes, catIds, ann, skipped);
  }

  /**
   * mmengine's {@code BaseDataset.indices}, applied after filtering: an int n keeps the first n
   * images (the last -n when negative), a list keeps the images at those positions in its order.
   */
  static List<Item> subset(List<Item> items, Object indices, Path ann) {
    if (indices == null) {
      return items;
    }
    if (indices instanceof Number n && n.doubleValue() == n.intValue()) {
      int k = n.intValue();
      return k >= 0
          ? items.subList(0, Math.min(k, items.size()))
          : items.subList(Math.max(0, items.size() + k), items.size());
    }
    if (indices instanceof List<?> list) {
      List<Item> picked = new ArrayList<>(list.size());
      for (Object o : list) {
        if (!(o instanceof Number n) || n.doubleValue() != n.intValue()) {
          throw new ImageLoadException(ann + ": indices: expected integers, got " + o);
        }
        int i = n.intValue();
        if (i < -items.size() || i >= items.size()) {
          throw new ImageLoadException(
              ann + ": indices: " + i + " is out of range for " + items.size() + " images");
        }
        picked.add(items.get(i < 0 ? items.size() + i : i));
      }
      return picked;
    }
    throw new ImageLoadException(
        ann + ": indices: expected an integer or a list of integers, got " + indices);
  }

  private static JsonNode array(JsonNode o, String key, Path file) {
    if (!o.has(key) || !o.get(key).isArray()) {
      throw new ImageLoadException(file + ": missing '" + key + "' list");
    }
    return o.get(key);
  }

  private static Number number(JsonNode o, String key, Path file, String where) {
    if (!o.isObject() || !o.has(key) || !o.get(key).isNumber()) {
      throw new ImageLoadException(file + ": " + where + ": missing or non-numeric '" + key + "'");
    }
    return o.get(key).numberValue();
  }

  private static String string(JsonNode o, String key, Path file, String where) {
    if (!o.isObject() || !o.has(key) || !o.get(key).isValueNode() || o.get(key).isNull()) {
      throw new ImageLoadException(file + ": " + where + ": missing '" + key + "'");
    }
    return o.get(key).asText();
  }
}
