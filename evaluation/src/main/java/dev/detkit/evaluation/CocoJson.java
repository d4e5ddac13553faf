package dev.detkit.evaluation;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;

/**
 * Reads COCO annotation files ({@code instances_val2017.json}: {@code images}, {@code annotations},
 * {@code categories}) and bbox result files (a JSON array of {@code {image_id, category_id, bbox,
 * score}}) without building a tree of JSON objects: ground truth is streamed; a result file is cut
 * into pieces parsed in parallel (falling back to streaming for files over 1 GiB or when the fast
 * reader meets anything unusual, so that the error message is always the streaming reader's).
 *
 * <p>Errors are {@link CocoFormatException}s naming the file and the entry: malformed JSON, a
 * missing key, a value of the wrong type, a duplicate id, a result on an image or category the
 * ground truth lacks, a NaN, infinite or negative score, a bbox that is not four finite numbers.
 * Python's {@code NaN}/{@code Infinity} literals are read (so that they can be reported as such);
 * keys other than the ones evaluation needs (segmentation, file names, ...) are skipped.
 *
 * <p>Ground-truth keys: {@code images[].id}; {@code categories[].id} and {@code name} (the id when
 * absent); {@code annotations[]}: {@code id, image_id, category_id, bbox, area} and {@code iscrowd}
 * (0 when absent; 0/1 or false/true). A pre-set {@code ignore} key is not read: pycocotools
 * overwrites it with {@code iscrowd}.
 */
public final class CocoJson {
  private static final int BUFFER = 1 << 16;
  private static final long FAST_PATH_MAX_BYTES = 1L << 30;

  private CocoJson() {}

  /** Loads a ground-truth annotation file. */
  public static CocoGroundTruth loadGroundTruth(Path file) {
    try (Reader in = open(file)) {
      return readGroundTruth(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads a bbox result file against its ground truth. Files under 1 GiB are read into memory and
   * parsed in parallel on the common pool; if that fast path meets anything unexpected the file is
   * reread with the streaming reader, which reports the first problem.
   */
  public static CocoDetections loadResults(Path file, CocoGroundTruth gt) {
    String source = file.toString();
    try {
      if (Files.size(file) < FAST_PATH_MAX_BYTES) {
        byte[] bytes = Files.readAllBytes(file);
        ResultsFastParser.Raw raw = ResultsFastParser.parse(bytes, ForkJoinPool.commonPool());
        if (raw != null) {
          CocoDetections.Builder b = CocoDetections.builder(gt, source, raw.size());
          for (int i = 0; i < raw.size(); i++) {
            b.add(
                raw.imageId()[i],
                raw.categoryId()[i],
                raw.x()[i],
                raw.y()[i],
                raw.w()[i],
                raw.h()[i],
                raw.score()[i]);
          }
          return b.build();
        }
        try (Reader in =
            new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
          return readResults(in, source, gt);
        }
      }
      try (Reader in = open(file)) {
        return readResults(in, source, gt);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Reader open(Path file) throws IOException {
    return new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), BUFFER);
  }

  /** Reads ground truth from {@code in}; {@code source} names it in error messages. */
  public static CocoGroundTruth readGroundTruth(Reader in, String source) throws IOException {
    JsonReader r = reader(in);
    try {
      CocoGroundTruth.Builder b = CocoGroundTruth.builder(source);
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        throw new CocoFormatException(
            source
                + ": a COCO annotation file must be a JSON object with images, annotations and"
                + " categories; found "
                + describe(r.peek()));
      }
      boolean images = false;
      boolean annotations = false;
      boolean categories = false;
      r.beginObject();
      while (r.hasNext()) {
        String key = r.nextName();
        switch (key) {
          case "images" -> {
            images = true;
            readImages(r, source, b);
          }
          case "annotations" -> {
            annotations = true;
            readAnnotations(r, source, b);
          }
          case "categories" -> {
            categories = true;
            readCategories(r, source, b);
          }
          default -> r.skipValue();
        }
      }
      r.endObject();
      expectEnd(r, source);
      String absent =
          !images ? "images" : !annotations ? "annotations" : !categories ? "categories" : null;
      if (absent != null) {
        throw new CocoFormatException(
            source + ": missing top-level key \"" + absent + "\" (not a COCO annotation file?)");
      }
      return b.build();
    } catch (MalformedJsonException | EOFException | IllegalStateException e) {
      throw malformed(source, e);
    }
  }

  /** Reads bbox results for {@code gt} from {@code in}; {@code source} names it in messages. */
  public static CocoDetections readResults(Reader in, String source, CocoGroundTruth gt)
      throws IOException {
    JsonReader r = reader(in);
    try {
      if (r.peek() != JsonToken.BEGIN_ARRAY) {
        throw new CocoFormatException(
            source
                + ": a result file must be a JSON array of {image_id, category_id, bbox, score}"
                + " objects; found "
                + describe(r.peek()));
      }
      CocoDetections.Builder b = CocoDetections.builder(gt, source);
      r.beginArray();
      int i = 0;
      Where where = new Where(source, "results");
      while (r.hasNext()) {
        where.index = i;
        expect(r, JsonToken.BEGIN_OBJECT, where, "an object {image_id, category_id, bbox, score}");
        r.beginObject();
        long imageId = 0;
        long categoryId = 0;
        double score = 0;
        double[] box = null;
        int seen = 0;
        while (r.hasNext()) {
          String key = r.nextName();
          switch (key) {
            case "image_id" -> {
              imageId = readLong(r, where, key);
              seen |= 1;
            }
            case "category_id" -> {
              categoryId = readLong(r, where, key);
              seen |= 2;
            }
            case "bbox" -> {
              box = readBox(r, where);
              seen |= 4;
            }
            case "score" -> {
              score = readDouble(r, where, key, -1);
              seen |= 8;
            }
            default -> r.skipValue();
          }
        }
        r.endObject();
        if (seen != 15) {
          throw new CocoFormatException(
              where
                  + ": missing key \""
                  + missing(seen, "image_id", "category_id", "bbox", "score")
                  + "\" (bbox results need image_id, category_id, bbox and score)");
        }
        b.add(imageId, categoryId, box[0], box[1], box[2], box[3], score);
        i++;
      }
      r.endArray();
      expectEnd(r, source);
      return b.build();
    } catch (MalformedJsonException | EOFException | IllegalStateException e) {
      throw malformed(source, e);
    }
  }

  private static void readImages(JsonReader r, String source, CocoGroundTruth.Builder b)
      throws IOException {
    expect(r, JsonToken.BEGIN_ARRAY, source + ": \"images\"", "an array");
    r.beginArray();
    int i = 0;
    Where where = new Where(source, "images");
    while (r.hasNext()) {
      where.index = i;
      expect(r, JsonToken.BEGIN_OBJECT, where, "an object");
      r.beginObject();
      boolean hasId = false;
      long id = 0;
      while (r.hasNext()) {
        String key = r.nextName();
        if (key.equals("id")) {
          id = readLong(r, where, key);
          hasId = true;
        } else {
          r.skipValue();
        }
      }
      r.endObject();
      if (!hasId) {
        throw new CocoFormatException(where + ": missing key \"id\"");
      }
      b.addImage(id);
      i++;
    }
    r.endArray();
  }

  private static void readCategories(JsonReader r, String source, CocoGroundTruth.Builder b)
      throws IOException {
    expect(r, JsonToken.BEGIN_ARRAY, source + ": \"categories\"", "an array");
    r.beginArray();
    int i = 0;
    Where where = new Where(source, "categories");
    while (r.hasNext()) {
      where.index = i;
      expect(r, JsonToken.BEGIN_OBJECT, where, "an object");
      r.beginObject();
      boolean hasId = false;
      long id = 0;
      String name = null;
      while (r.hasNext()) {
        String key = r.nextName();
        if (key.equals("id")) {
          id = readLong(r, where, key);
          hasId = true;
        } else if (key.equals("name")) {
          expect(r, JsonToken.STRING, where + ": \"name\"", "a string");
          name = r.nextString();
        } else {
          r.skipValue();
        }
      }
      r.endObject();
      if (!hasId) {
        throw new CocoFormatException(where + ": missing key \"id\"");
      }
      b.addCategory(id, name);
      i++;
    }
    r.endArray();
  }

  private static void readAnnotations(JsonReader r, String source, CocoGroundTruth.Builder b)
      throws IOException {
    expect(r, JsonToken.BEGIN_ARRAY, source + ": \"annotations\"", "an array");
    r.beginArray();
    int i = 0;
    Where where = new Where(source, "annotations");
    while (r.hasNext()) {
      where.index = i;
      expect(r, JsonToken.BEGIN_OBJECT, where, "an object");
      r.beginObject();
      long id = 0;
      long imageId = 0;
      long categoryId = 0;
      double area = 0;
      double[] box = null;
      boolean crowd = false;
      int seen = 0;
      while (r.hasNext()) {
        String key = r.nextName();
        switch (key) {
          case "id" -> {
            id = readLong(r, where, key);
            seen |= 1;
          }
          case "image_id" -> {
            imageId = readLong(r, where, key);
            seen |= 2;
          }
          case "category_id" -> {
            categoryId = readLong(r, where, key);
            seen |= 4;
          }
          case "bbox" -> {
            box = readBox(r, where);
            seen |= 8;
          }
          case "area" -> {
            area = readDouble(r, where, key, -1);
            seen |= 16;
          }
          case "iscrowd" -> crowd = readCrowd(r, where);
          default -> r.skipValue();
        }
      }
      r.endObject();
      if (seen != 31) {
        throw new CocoFormatException(
            where
                + ": missing key \""
                + missing(seen, "id", "image_id", "category_id", "bbox", "area")
                + "\"");
      }
      b.addAnnotation(id, imageId, categoryId, box[0], box[1], box[2], box[3], area, crowd);
      i++;
    }
    r.endArray();
  }

  private static JsonReader reader(Reader in) {
    JsonReader r = new JsonReader(in);
    // lenient only so that Python's NaN / Infinity literals reach the checks that name them
    r.setStrictness(Strictness.LENIENT);
    return r;
  }

  private static void expect(JsonReader r, JsonToken token, Object where, String what)
      throws IOException {
    JsonToken t = r.peek();
    if (t != token) {
      throw new CocoFormatException(where + ": expected " + what + ", found " + describe(t));
    }
  }

  private static void expectEnd(JsonReader r, String source) throws IOException {
    if (r.peek() != JsonToken.END_DOCUMENT) {
      throw new CocoFormatException(
          source + ": malformed JSON: unexpected content after the top-level value at " + r);
    }
  }

  private static long readLong(JsonReader r, Where where, String key) throws IOException {
    JsonToken t = r.peek();
    if (t != JsonToken.NUMBER) {
      throw new CocoFormatException(
          where + ": \"" + key + "\" must be an integer, found " + valueOf(r, t));
    }
    String text = r.nextString();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      double d;
      try {
        d = Double.parseDouble(text);
      } catch (NumberFormatException e2) {
        d = Double.NaN;
      }
      if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
        return (long) d; // 7.0 is the id 7, as for Python's dict lookups
      }
      throw new CocoFormatException(
          where + ": \"" + key + "\" must be an integer, found " + text, e);
    }
  }

  private static double readDouble(JsonReader r, Where where, String name, int element)
      throws IOException {
    JsonToken t = r.peek();
    if (t == JsonToken.NUMBER) {
      return r.nextDouble();
    }
    String key = element < 0 ? name : name + "[" + element + "]";
    if (t == JsonToken.STRING) {
      String s = r.nextString();
      switch (s) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          throw new CocoFormatException(
              where + ": \"" + key + "\" must be a number, found the string \"" + s + "\"");
      }
    }
    throw new CocoFormatException(
        where + ": \"" + key + "\" must be a number, found " + valueOf(r, t));
  }

  private static double[] readBox(JsonReader r, Where where) throws IOException {
    JsonToken t = r.peek();
    if (t != JsonToken.BEGIN_ARRAY) {
      throw new CocoFormatException(
          where + ": \"bbox\" must be an array [x, y, w, h], found " + valueOf(r, t));
    }
    double[] box = new double[4];
    int n = 0;
    r.beginArray();
    while (r.hasNext()) {
      double v = readDouble(r, where, "bbox", n);
      if (n < 4) {
        box[n] = v;
      }
      n++;
    }
    r.endArray();
    if (n != 4) {
      throw new CocoFormatException(
          where + ": \"bbox\" must have 4 values [x, y, w, h], found " + n);
    }
    return box;
  }

  private static boolean readCrowd(JsonReader r, Where where) throws IOException {
    JsonToken t = r.peek();
    if (t == JsonToken.BOOLEAN) {
      return r.nextBoolean();
    }
    if (t == JsonToken.NUMBER) {
      String text = r.nextString();
      if (text.equals("0") || text.equals("1")) {
        return text.equals("1");
      }
      throw new CocoFormatException(where + ": \"iscrowd\" must be 0 or 1, found " + text);
    }
    throw new CocoFormatException(where + ": \"iscrowd\" must be 0 or 1, found " + valueOf(r, t));
  }

  /** The entry being read, turned into text only for an error message. */
  private static final class Where {
    private final String source;
    private final String kind;
    private int index;

    Where(String source, String kind) {
      this.source = source;
      this.kind = kind;
    }

    @Override
    public String toString() {
      return source + ": " + kind + "[" + index + "]";
    }
  }

  private static String missing(int seen, String... keys) {
    for (int i = 0; i < keys.length; i++) {
      if ((seen & (1 << i)) == 0) {
        return keys[i];
      }
    }
    return "?";
  }

  /** Describes (and consumes) the value at the reader for an error message. */
  private static String valueOf(JsonReader r, JsonToken t) throws IOException {
    return switch (t) {
      case STRING -> "the string \"" + r.nextString() + "\"";
      case BOOLEAN -> String.valueOf(r.nextBoolean());
      case NULL -> "null";
      case NUMBER -> r.nextString();
      default -> describe(t);
    };
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case BEGIN_ARRAY -> "an array";
      case BEGIN_OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case END_DOCUMENT -> "the end of the file";
      default -> t.toString();
    };
  }

  private static CocoFormatException malformed(String source, Exception e) {
    String msg = e.getMessage();
    if (e instanceof EOFException) {
      msg = "unexpected end of file (" + msg + ")";
    }
    return new CocoFormatException(source + ": malformed JSON: " + msg, e);
  }
}
