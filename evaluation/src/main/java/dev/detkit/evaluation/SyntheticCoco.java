package dev.detkit.evaluation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a seeded synthetic COCO-style pair of files — ground truth ({@code images, annotations,
 * categories}) and bbox results — for benchmarks and cross-checks. {@link Spec#cocoVal()} is sized
 * like val2017: 5,000 images, the 80 COCO category ids (1..90 with gaps), about 7 gts and exactly
 * 100 detections per image. Categories are skewed (a few frequent ones); about 1% of gts are crowd;
 * some images have no gt; gt {@code area} fields are smaller than {@code w*h} (as segment areas
 * are); detections are jittered copies of gts (sometimes with a wrong class), duplicates and
 * background boxes, with float32 scores and boxes written as float64 (as mmdet writes them), some
 * scores rounded to 3 decimals so that exact ties occur. The same spec and seed always give the
 * same bytes.
 */
public final class SyntheticCoco {
  private static final int[] COCO_IDS = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28,
    31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55,
    56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84,
    85, 86, 87, 88, 89, 90
  };
  private static final int[][] SIZES = {{640, 480}, {480, 640}, {640, 427}, {427, 640}, {500, 375}};

  private SyntheticCoco() {}

  /**
   * What to generate.
   *
   * @param images number of images
   * @param categories number of categories (80 uses COCO's ids, otherwise 1..n)
   * @param gtsPerImage mean number of gts per image
   * @param detsPerImage detections per image
   * @param seed random seed
   */
  public record Spec(int images, int categories, double gtsPerImage, int detsPerImage, long seed) {
    /** val2017-sized: 5,000 images, 80 categories, ~7.3 gts and 100 detections per image. */
    public static Spec cocoVal() {
      return new Spec(5000, 80, 7.3, 100, 20251125L);
    }
  }

  /** Writes the ground truth to {@code gtFile} and the results to {@code resultFile}. */
  public static void write(Spec spec, Path gtFile, Path resultFile) {
    SplittableRandom rng = new SplittableRandom(spec.seed());
    long[] catIds = new long[spec.categories()];
    for (int k = 0; k < catIds.length; k++) {
      catIds[k] = spec.categories() == COCO_IDS.length ? COCO_IDS[k] : k + 1;
    }
    // skewed category frequencies: weight 1/(rank+1)^0.9, the first one (person) far ahead
    double[] cum = new double[catIds.length];
    double total = 0;
    for (int k = 0; k < catIds.length; k++) {
      total += k == 0 ? 8.0 : Math.pow(k + 1, -0.9);
      cum[k] = total;
    }
    long[] imageIds = new long[spec.images()];
    int[] widths = new int[spec.images()];
    int[] heights = new int[spec.images()];
    Set<Long> used = new HashSet<>();
    for (int i = 0; i < imageIds.length; i++) {
      long id;
      do {
        id = 1 + rng.nextInt(600_000);
      } while (!used.add(id));
      imageIds[i] = id;
      int[] size = SIZES[rng.nextInt(SIZES.length)];
      widths[i] = size[0];
      heights[i] = size[1];
    }

    try (BufferedWriter gt = Files.newBufferedWriter(gtFile, StandardCharsets.UTF_8);
        BufferedWriter dt = Files.newBufferedWriter(resultFile, StandardCharsets.UTF_8)) {
      gt.write("{\"info\": {\"description\": \"detkit synthetic COCO, seed ");
      gt.write(Long.toString(spec.seed()));
      gt.write("\"}, \"licenses\": [], \"images\": [");
      for (int i = 0; i < imageIds.length; i++) {
        gt.write(i == 0 ? "" : ", ");
        gt.write("{\"id\": " + imageIds[i] + ", \"width\": " + widths[i]);
        gt.write(", \"height\": " + heights[i] + ", \"file_name\": \"" + imageIds[i] + ".jpg\"}");
      }
      gt.write("], \"annotations\": [");
      dt.write("[");
      long annId = 1;
      boolean firstAnn = true;
      boolean firstDet = true;
      double[] box = new double[4];
      for (int i = 0; i < imageIds.length; i++) {
        int w = widths[i];
        int h = heights[i];
        int nGt = rng.nextDouble() < 0.01 ? 0 : poisson(rng, spec.gtsPerImage());
        double[][] gts = new double[nGt][];
        long[] gtCat = new long[nGt];
        for (int g = 0; g < nGt; g++) {
          long cat = catIds[pick(rng, cum, total)];
          boolean crowd = rng.nextDouble() < 0.01;
          randomBox(rng, w, h, crowd ? 0.3 : 0.0, box);
          double[] b = {round2(box[0]), round2(box[1]), round2(box[2]), round2(box[3])};
          double area = round2(b[2] * b[3] * (0.55 + 0.4 * rng.nextDouble()));
          gts[g] = b;
          gtCat[g] = cat;
          gt.write(firstAnn ? "" : ", ");
          firstAnn = false;
          gt.write("{\"id\": " + annId++ + ", \"image_id\": " + imageIds[i]);
          gt.write(", \"category_id\": " + cat + ", \"segmentation\": [[]], \"area\": ");
          gt.write(num(area) + ", \"bbox\": [" + num(b[0]) + ", " + num(b[1]) + ", ");
          gt.write(num(b[2]) + ", " + num(b[3]) + "], \"iscrowd\": " + (crowd ? 1 : 0) + "}");
        }
        for (int d = 0; d < spec.detsPerImage(); d++) {
          long cat;
          double score;
          if (nGt > 0 && d < 2 * nGt && rng.nextDouble() < 0.85) {
            // a (possibly duplicate) jittered copy of a gt
            int g = d % nGt;
            double jitter = d < nGt ? 0.08 : 0.2;
            double[] src = gts[g];
            box[0] = src[0] + src[2] * jitter * gauss(rng);
            box[1] = src[1] + src[3] * jitter * gauss(rng);
            box[2] = Math.max(0.5, src[2] * (1 + jitter * gauss(rng)));
            box[3] = Math.max(0.5, src[3] * (1 + jitter * gauss(rng)));
            cat = rng.nextDouble() < 0.9 ? gtCat[g] : catIds[pick(rng, cum, total)];
            score = d < nGt ? 0.3 + 0.7 * rng.nextDouble() : 0.05 + 0.5 * rng.nextDouble();
          } else {
            randomBox(rng, w, h, 0.0, box);
            cat =
                nGt > 0 && rng.nextDouble() < 0.5
                    ? gtCat[rng.nextInt(nGt)]
                    : catIds[pick(rng, cum, total)];
            score = 0.4 * Math.pow(rng.nextDouble(), 3);
          }
          if (rng.nextDouble() < 0.2) {
            score = Math.round(score * 1000) / 1000.0; // exact ties within and across images
          } else {
            score = (float) score;
          }
          dt.write(firstDet ? "" : ", ");
          firstDet = false;
          dt.write("{\"image_id\": " + imageIds[i] + ", \"category_id\": " + cat + ", \"bbox\": [");
          dt.write(num((float) box[0]) + ", " + num((float) box[1]) + ", ");
          dt.write(num((float) box[2]) + ", " + num((float) box[3]) + "], \"score\": ");
          dt.write(num(score) + "}");
        }
      }
      gt.write("], \"categories\": [");
      for (int k = 0; k < catIds.length; k++) {
        gt.write(k == 0 ? "" : ", ");
        gt.write("{\"supercategory\": \"thing\", \"id\": " + catIds[k]);
        gt.write(", \"name\": \"class_" + catIds[k] + "\"}");
      }
      gt.write("]}\n");
      dt.write("]\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A box inside a w x h image, log-uniform size from 4 px to most of the image. */
  private static void randomBox(SplittableRandom rng, int w, int h, double minFrac, double[] b) {
    double lo = Math.log(Math.max(4, minFrac * Math.min(w, h)));
    double bw = Math.exp(lo + (Math.log(0.9 * w) - lo) * rng.nextDouble());
    double bh = Math.min(0.95 * h, bw * Math.exp(0.5 * gauss(rng)));
    b[0] = (w - bw) * rng.nextDouble();
    b[1] = (h - bh) * rng.nextDouble();
    b[2] = bw;
    b[3] = Math.max(1, bh);
  }

  private static int pick(SplittableRandom rng, double[] cum, double total) {
    double u = rng.nextDouble() * total;
    int k = 0;
    while (k < cum.length - 1 && cum[k] <= u) {
      k++;
    }
    return k;
  }

  private static int poisson(SplittableRandom rng, double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double p = rng.nextDouble();
    while (p > l) {
      k++;
      p *= rng.nextDouble();
    }
    return k;
  }

  private static double gauss(SplittableRandom rng) {
    double u = 1 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** A JSON number that Python and Java both parse back to exactly {@code v}. */
  private static String num(double v) {
    return Double.toString(v);
  }
}
