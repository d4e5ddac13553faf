package dev.detkit.evaluation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * Reads COCO annotation files ({@code instances_val2017.json}: {@code images}, {@code annotations},
 * {@code categories}) and bbox result files (a JSON array of {@code {image_id, category_id, bbox,
 * score}}) with Jackson's streaming parser, without building a tree of JSON objects. Numbers are
 * the correctly rounded doubles Python's {@code float()} gives (Jackson's fast double parser is
 * exact, as {@code Double.parseDouble}).
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
  private static final JsonFactory JSON =
      JsonFactory.builder()
          // only so that Python's NaN / Infinity literals reach the checks that name them
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          // exact as Double.parseDouble, and needed for speed: without it the cold eval of
          // loadGroundTruthAndResults takes 3.97 s, not 2.84 s
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  /** A result entry in a file written by json.dumps is about 100 bytes (a capacity hint only). */
  private static final int BYTES_PER_RESULT = 100;

  private CocoJson() {}

  /** Loads a ground-truth annotation file. */
  public static CocoGroundTruth loadGroundTruth(Path file) {
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JSON.createParser(in)) {
      return readGroundTruth(p, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Loads a bbox result file against its ground truth. */
  public static CocoDetections loadResults(Path file, CocoGroundTruth gt) {
    CocoDetections.Builder b = CocoDetections.builder(gt, file.toString(), expectedResults(file));
    readResults(file, b::add);
    return b.build();
  }

  /**
   * Loads a ground-truth file and its result file, reading the results on a second thread while the
   * ground truth loads, then checking them against it in file order, so that the first error
   * reported is the one {@link #loadGroundTruth} and then {@link #loadResults} would report. Why:
   * cold {@code ./detkit eval} of the 5,000-image set (500,000 results) on 2 cores, median of 5:
   * 2.84 s this way, 3.24 s one file after the other, 2.92 s with the former hand-written parallel
   * parser.
   */
  public static CocoDetections loadGroundTruthAndResults(Path annotations, Path results) {
    Pending pending = new Pending(expectedResults(results));
    CompletableFuture<Void> reading =
        CompletableFuture.runAsync(() -> pending.read(results), ForkJoinPool.commonPool());
    CocoGroundTruth gt;
    try {
      gt = loadGroundTruth(annotations);
    } catch (RuntimeException e) {
      pending.stop = true;
      throw e;
    }
    reading.join();
    CocoDetections.Builder b = CocoDetections.builder(gt, results.toString(), pending.count);
    pending.replay(b);
    if (pending.error != null) {
      throw pending.error;
    }
    return b.build();
  }

  private static int expectedResults(Path file) {
    try {
      return (int) Math.min(Integer.MAX_VALUE - 8, Files.size(file) / BYTES_PER_RESULT);
    } catch (IOException e) {
      return 0; // reading it will say what is wrong
    }
  }

  private static void readResults(Path file, Sink sink) {
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JSON.createParser(in)) {
      readResults(p, file.toString(), sink);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads ground truth from {@code in}; {@code source} names it in error messages. */
  public static CocoGroundTruth readGroundTruth(Reader in, String source) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      return readGroundTruth(p, source);
    }
  }

  /** Reads bbox results for {@code gt} from {@code in}; {@code source} names it in messages. */
  public static CocoDetections readResults(Reader in, String source, CocoGroundTruth gt)
      throws IOException {
    CocoDetections.Builder b = CocoDetections.builder(gt, source);
    try (JsonParser p = JSON.createParser(in)) {
      readResults(p, source, b::add);
    }
    return b.build();
  }

  private static CocoGroundTruth readGroundTruth(JsonParser p, String source) throws IOException {
    try {
      CocoGroundTruth.Builder b = CocoGroundTruth.builder(source);
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new CocoFormatException(
            source
                + ": a COCO annotation file must be a JSON object with images, annotations and"
                + " categories; found "
                + describe(first));
      }
      boolean images = false;
      boolean annotations = false;
      boolean categories = false;
      String key;
      while ((key = p.nextFieldName()) != null) {
        switch (key) {
          case "images" -> {
            images = true;
            readImages(p, source, b);
          }
          case "annotations" -> {
            annotations = true;
            readAnnotations(p, source, b);
          }
          case "categories" -> {
            categories = true;
            readCategories(p, source, b);
          }
          default -> skipValue(p);
        }
      }
      expectEnd(p, source);
      String absent =
          !images ? "images" : !annotations ? "annotations" : !categories ? "categories" : null;
      if (absent != null) {
        throw new CocoFormatException(
            source + ": missing top-level key \"" + absent + "\" (not a COCO annotation file?)");
      }
      return b.build();
    } catch (JsonProcessingException e) {
      throw malformed(source, e);
    }
  }

  private static void readResults(JsonParser p, String source, Sink b) throws IOException {
    try {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_ARRAY) {
        throw new CocoFormatException(
            source
                + ": a result file must be a JSON array of {image_id, category_id, bbox, score}"
                + " objects; found "
                + describe(first));
      }
      int i = 0;
      Where where = new Where(source, "results");
      double[] box = new double[4];
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        where.index = i;
        expect(
            p, t, JsonToken.START_OBJECT, where, "an object {image_id, category_id, bbox, score}");
        long imageId = 0;
        long categoryId = 0;
        double score = 0;
        int seen = 0;
        String key;
        while ((key = p.nextFieldName()) != null) {
          switch (key) {
            case "image_id" -> {
              imageId = readLong(p, where, key);
              seen |= 1;
            }
            case "category_id" -> {
              categoryId = readLong(p, where, key);
              seen |= 2;
            }
            case "bbox" -> {
              readBox(p, where, box);
              seen |= 4;
            }
            case "score" -> {
              score = readDouble(p, p.nextToken(), where, key, -1);
              seen |= 8;
            }
            default -> skipValue(p);
          }
        }
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
      expectEnd(p, source);
    } catch (JsonProcessingException e) {
      throw malformed(source, e);
    }
  }

  private static void readImages(JsonParser p, String source, CocoGroundTruth.Builder b)
      throws IOException {
    expect(p, p.nextToken(), JsonToken.START_ARRAY, source + ": \"images\"", "an array");
    int i = 0;
    Where where = new Where(source, "images");
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      where.index = i;
      expect(p, t, JsonToken.START_OBJECT, where, "an object");
      boolean hasId = false;
      long id = 0;
      String key;
      while ((key = p.nextFieldName()) != null) {
        if (key.equals("id")) {
          id = readLong(p, where, key);
          hasId = true;
        } else {
          skipValue(p);
        }
      }
      if (!hasId) {
        throw new CocoFormatException(where + ": missing key \"id\"");
      }
      b.addImage(id);
      i++;
    }
  }

  private static void readCategories(JsonParser p, String source, CocoGroundTruth.Builder b)
      throws IOException {
    expect(p, p.nextToken(), JsonToken.START_ARRAY, source + ": \"categories\"", "an array");
    int i = 0;
    Where where = new Where(source, "categories");
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      where.index = i;
      expect(p, t, JsonToken.START_OBJECT, where, "an object");
      boolean hasId = false;
      long id = 0;
      String name = null;
      String key;
      while ((key = p.nextFieldName()) != null) {
        if (key.equals("id")) {
          id = readLong(p, where, key);
          hasId = true;
        } else if (key.equals("name")) {
          expect(p, p.nextToken(), JsonToken.VALUE_STRING, where + ": \"name\"", "a string");
          name = p.getText();
        } else {
          skipValue(p);
        }
      }
      if (!hasId) {
        throw new CocoFormatException(where + ": missing key \"id\"");
      }
      b.addCategory(id, name);
      i++;
    }
  }

  private static void readAnnotations(JsonParser p, String source, CocoGroundTruth.Builder b)
      throws IOException {
    expect(p, p.nextToken(), JsonToken.START_ARRAY, source + ": \"annotations\"", "an array");
    int i = 0;
    Where where = new Where(source, "annotations");
    double[] box = new double[4];
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      where.index = i;
      expect(p, t, JsonToken.START_OBJECT, where, "an object");
      long id = 0;
      long imageId = 0;
      long categoryId = 0;
      double area = 0;
      boolean crowd = false;
      int seen = 0;
      String key;
      while ((key = p.nextFieldName()) != null) {
        switch (key) {
          case "id" -> {
            id = readLong(p, where, key);
            seen |= 1;
          }
          case "image_id" -> {
            imageId = readLong(p, where, key);
            seen |= 2;
          }
          case "category_id" -> {
            categoryId = readLong(p, where, key);
            seen |= 4;
          }
          case "bbox" -> {
            readBox(p, where, box);
            seen |= 8;
          }
          case "area" -> {
            area = readDouble(p, p.nextToken(), where, key, -1);
            seen |= 16;
          }
          case "iscrowd" -> crowd = readCrowd(p, where);
          default -> skipValue(p);
        }
      }
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
  }

  /** Skips the value after a field name, nested arrays and objects included. */
  private static void skipValue(JsonParser p) throws IOException {
    p.nextToken();
    p.skipChildren();
  }

  private static void expect(JsonParser p, JsonToken t, JsonToken token, Object where, String what)
      throws IOException {
    if (t != token) {
      throw new CocoFormatException(where + ": expected " + what + ", found " + valueOf(p, t));
    }
  }

  private static void expectEnd(JsonParser p, String source) throws IOException {
    if (p.nextToken() != null) {
      throw new CocoFormatException(
          source
              + ": malformed JSON: unexpected content after the top-level value at line "
              + p.currentLocation().getLineNr()
              + " column "
              + p.currentLocation().getColumnNr());
    }
  }

  /** The integer at the next token; an integral float (7.0) is the id 7, as for Python's dicts. */
  private static long readLong(JsonParser p, Where where, String key) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
    }
    throw new CocoFormatException(
        where + ": \"" + key + "\" must be an integer, found " + valueOf(p, t));
  }

  /** The number at token {@code t}; {@code element} >= 0 names a bbox entry in messages. */
  private static double readDouble(JsonParser p, JsonToken t, Where where, String name, int element)
      throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    String key = element < 0 ? name : name + "[" + element + "]";
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
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
        where + ": \"" + key + "\" must be a number, found " + valueOf(p, t));
  }

  private static void readBox(JsonParser p, Where where, double[] box) throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_ARRAY) {
      throw new CocoFormatException(
          where + ": \"bbox\" must be an array [x, y, w, h], found " + valueOf(p, t));
    }
    int n = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      double v = readDouble(p, t, where, "bbox", n);
      if (n < 4) {
        box[n] = v;
      }
      n++;
    }
    if (n != 4) {
      throw new CocoFormatException(
          where + ": \"bbox\" must have 4 values [x, y, w, h], found " + n);
    }
  }

  private static boolean readCrowd(JsonParser p, Where where) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      String text = p.getText();
      if (text.equals("0") || text.equals("1")) {
        return text.equals("1");
      }
    }
    throw new CocoFormatException(where + ": \"iscrowd\" must be 0 or 1, found " + valueOf(p, t));
  }

  /** Where parsed results go: a {@link CocoDetections.Builder}, or {@link Pending}. */
  private interface Sink {
    void add(long imageId, long categoryId, double x, double y, double w, double h, double score);
  }

  /**
   * Results read before their ground truth is known, in file order, and the error that stopped the
   * reading (if any), to be reported after the entries before it have been checked.
   */
  private static final class Pending implements Sink {
    private long[] ids;
    private double[] values;
    private int count;
    private RuntimeException error;
    private volatile boolean stop;

    Pending(int expected) {
      int n = Math.max(16, expected);
      ids = new long[2 * n];
      values = new double[5 * n];
    }

    void read(Path file) {
      try {
        readResults(file, this);
      } catch (RuntimeException e) {
        error = e;
      }
    }

    @Override
    public void add(
        long imageId, long categoryId, double x, double y, double w, double h, double score) {
      if (stop) {
        throw new CancellationException();
      }
      if (2 * count == ids.length) {
        ids = Arrays.copyOf(ids, 2 * ids.length);
        values = Arrays.copyOf(values, 2 * values.length);
      }
      ids[2 * count] = imageId;
      ids[2 * count + 1] = categoryId;
      int v = 5 * count;
      values[v] = x;
      values[v + 1] = y;
      values[v + 2] = w;
      values[v + 3] = h;
      values[v + 4] = score;
      count++;
    }

    void replay(CocoDetections.Builder b) {
      for (int i = 0; i < count; i++) {
        int v = 5 * i;
        b.add(
            ids[2 * i],
            ids[2 * i + 1],
            values[v],
            values[v + 1],
            values[v + 2],
            values[v + 3],
            values[v + 4]);
      }
    }
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

  /** Describes the value at token {@code t} for an error message. */
  private static String valueOf(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      return describe(null);
    }
    return switch (t) {
      case VALUE_STRING -> "the string \"" + p.getText() + "\"";
      case VALUE_TRUE, VALUE_FALSE, VALUE_NULL, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
      default -> describe(t);
    };
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the file";
    }
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static CocoFormatException malformed(String source, JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (e.getLocation() != null) {
      msg +=
          " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")";
    }
    return new CocoFormatException(source + ": malformed JSON: " + msg, e);
  }
}
