package dev.detkit.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * COCO ground truth as pycocotools' {@code COCO} object sees it for bbox evaluation: image ids,
 * categories (id and name) and annotations (id, image, category, {@code bbox [x, y, w, h]}, the
 * {@code area} field, {@code iscrowd}). Images and categories are indexed in ascending id order, as
 * {@code COCOeval} sorts them; annotations keep file order. Immutable; build it with {@link
 * #builder(String)} or {@link CocoJson#loadGroundTruth}.
 */
public final class CocoGroundTruth {
  private final String source;
  private final long[] imageIds;
  private final LongIndex imageIndex;
  private final long[] categoryIds;
  private final String[] categoryNames;
  private final LongIndex categoryIndex;

  // annotations, file order
  final long[] annId;
  final int[] annImage;
  final int[] annCategory;
  final double[] annX;
  final double[] annY;
  final double[] annW;
  final double[] annH;
  final double[] annArea;
  final boolean[] annCrowd;

  private CocoGroundTruth(Builder b, long[] imageIds, long[] categoryIds, String[] categoryNames) {
    this.source = b.source;
    this.imageIds = imageIds;
    this.imageIndex = indexOf(imageIds);
    this.categoryIds = categoryIds;
    this.categoryNames = categoryNames;
    this.categoryIndex = indexOf(categoryIds);
    int n = b.annCount;
    annId = Arrays.copyOf(b.annId, n);
    annImage = new int[n];
    annCategory = new int[n];
    annX = Arrays.copyOf(b.annX, n);
    annY = Arrays.copyOf(b.annY, n);
    annW = Arrays.copyOf(b.annW, n);
    annH = Arrays.copyOf(b.annH, n);
    annArea = Arrays.copyOf(b.annArea, n);
    annCrowd = Arrays.copyOf(b.annCrowd, n);
    LongIndex seen = new LongIndex(n);
    for (int i = 0; i < n; i++) {
      if (!seen.putIfAbsent(annId[i], i)) {
        throw new CocoFormatException(
            annotationWhere(i)
                + ": duplicate annotation id "
                + annId[i]
                + " (first at annotations["
                + seen.get(annId[i])
                + "])");
      }
      int img = imageIndex.get(b.annImageId[i]);
      if (img < 0) {
        throw new CocoFormatException(
            annotationWhere(i)
                + ": image_id "
                + b.annImageId[i]
                + " is not the id of any entry in images");
      }
      int cat = categoryIndex.get(b.annCategoryId[i]);
      if (cat < 0) {
        throw new CocoFormatException(
            annotationWhere(i)
                + ": category_id "
                + b.annCategoryId[i]
                + " is not the id of any entry in categories");
      }
      annImage[i] = img;
      annCategory[i] = cat;
    }
  }

  private String annotationWhere(int i) {
    return source + ": annotations[" + i + "] (id " + annId[i] + ")";
  }

  private static LongIndex indexOf(long[] sortedIds) {
    LongIndex index = new LongIndex(sortedIds.length);
    for (int i = 0; i < sortedIds.length; i++) {
      index.putIfAbsent(sortedIds[i], i);
    }
    return index;
  }

  /** Where the data came from (a file name), used in error messages. */
  public String source() {
    return source;
  }

  public int imageCount() {
    return imageIds.length;
  }

  /** Image ids in ascending order (pycocotools' {@code params.imgIds}). */
  public long[] imageIds() {
    return imageIds.clone();
  }

  long imageId(int index) {
    return imageIds[index];
  }

  /** The position of an image id in {@link #imageIds()}, or -1. */
  public int imageIndex(long imageId) {
    return imageIndex.get(imageId);
  }

  public int categoryCount() {
    return categoryIds.length;
  }

  /** Category ids in ascending order (pycocotools' {@code params.catIds}). */
  public long[] categoryIds() {
    return categoryIds.clone();
  }

  long categoryId(int index) {
    return categoryIds[index];
  }

  /** The position of a category id in {@link #categoryIds()}, or -1. */
  public int categoryIndex(long categoryId) {
    return categoryIndex.get(categoryId);
  }

  /** Category names in the order of {@link #categoryIds()}. */
  public List<String> categoryNames() {
    return Collections.unmodifiableList(Arrays.asList(categoryNames.clone()));
  }

  /** The name of a category by id. */
  public String categoryName(long categoryId) {
    int k = categoryIndex.get(categoryId);
    if (k < 0) {
      throw new IllegalArgumentException(source + ": no category with id " + categoryId);
    }
    return categoryNames[k];
  }

  public int annotationCount() {
    return annId.length;
  }

  /** A builder for ground truth read from {@code source} (a file name for error messages). */
  public static Builder builder(String source) {
    return new Builder(source);
  }

  /**
   * Collects images, categories and annotations in any order; {@link #build()} checks that ids are
   * unique and that every annotation refers to a known image and category.
   */
  public static final class Builder {
    private final String source;
    private final LongIndex images = new LongIndex(64);
    private final List<Long> imageList = new ArrayList<>();
    private final LongIndex categories = new LongIndex(64);
    private final List<Long> categoryList = new ArrayList<>();
    private final List<String> nameList = new ArrayList<>();

    private int annCount;
    private long[] annId = new long[64];
    private long[] annImageId = new long[64];
    private long[] annCategoryId = new long[64];
    private double[] annX = new double[64];
    private double[] annY = new double[64];
    private double[] annW = new double[64];
    private double[] annH = new double[64];
    private double[] annArea = new double[64];
    private boolean[] annCrowd = new boolean[64];

    private Builder(String source) {
      this.source = source;
    }

    /** Adds an image id; duplicates are an error. */
    public Builder addImage(long id) {
      int at = imageList.size();
      if (!images.putIfAbsent(id, at)) {
        throw new CocoFormatException(
            source
                + ": images["
                + at
                + "]: duplicate image id "
                + id
                + " (first at images["
                + images.get(id)
                + "])");
      }
      imageList.add(id);
      return this;
    }

    /** Adds a category; duplicate ids are an error. */
    public Builder addCategory(long id, String name) {
      int at = categoryList.size();
      if (!categories.putIfAbsent(id, at)) {
        throw new CocoFormatException(
            source
                + ": categories["
                + at
                + "]: duplicate category id "
                + id
                + " (first at categories["
                + categories.get(id)
                + "])");
      }
      categoryList.add(id);
      nameList.add(name == null ? Long.toString(id) : name);
      return this;
    }

    /**
     * Adds an annotation. {@code area} is the annotation's {@code area} field (the segment area),
     * which decides small/medium/large; the box's {@code w*h} is used only for IoU. A crowd
     * annotation is ignored (pycocotools sets {@code ignore = iscrowd}).
     */
    public Builder addAnnotation(
        long id,
        long imageId,
        long categoryId,
        double x,
        double y,
        double w,
        double h,
        double area,
        boolean crowd) {
      CocoFormatException.requireFiniteBox(where(id), x, y, w, h);
      if (!Double.isFinite(area)) {
        throw new CocoFormatException(where(id) + ": area " + area + " is not finite");
      }
      if (annCount == annId.length) {
        int cap = annCount * 2;
        annId = Arrays.copyOf(annId, cap);
        annImageId = Arrays.copyOf(annImageId, cap);
        annCategoryId = Arrays.copyOf(annCategoryId, cap);
        annX = Arrays.copyOf(annX, cap);
        annY = Arrays.copyOf(annY, cap);
        annW = Arrays.copyOf(annW, cap);
        annH = Arrays.copyOf(annH, cap);
        annArea = Arrays.copyOf(annArea, cap);
        annCrowd = Arrays.copyOf(annCrowd, cap);
      }
      int i = annCount++;
      annId[i] = id;
      annImageId[i] = imageId;
      annCategoryId[i] = categoryId;
      annX[i] = x;
      annY[i] = y;
      annW[i] = w;
      annH[i] = h;
      annArea[i] = area;
      annCrowd[i] = crowd;
      return this;
    }

    private String where(long id) {
      return source + ": annotations[" + annCount + "] (id " + id + ")";
    }

    /** Checks ids and references and returns the ground truth. */
    public CocoGroundTruth build() {
      long[] imgs = imageList.stream().mapToLong(Long::longValue).sorted().toArray();
      Integer[] order = new Integer[categoryList.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Long.compare(categoryList.get(a), categoryList.get(b)));
      long[] cats = new long[order.length];
      String[] names = new String[order.length];
      for (int i = 0; i < order.length; i++) {
        cats[i] = categoryList.get(order[i]);
        names[i] = nameList.get(order[i]);
      }
      return new CocoGroundTruth(this, imgs, cats, names);
    }
  }
}
