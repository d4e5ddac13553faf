package dev.detkit.data.synthetic;

import dev.detkit.api.util.Json;
import dev.detkit.data.OpenCv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * A seeded synthetic detection dataset in COCO format: filled shapes ({@link #CLASSES}) of varied
 * size, colour (always contrasting with the background) and aspect on textured backgrounds (noise,
 * clutter lines), overlapping so that later shapes occlude earlier ones. Writes {@code train/} and
 * {@code val/} JPEGs and {@code annotations/instances_{train,val}.json} under a root directory; the
 * same seed writes the same files.
 */
public final class SyntheticShapes {
  /** Category names, COCO ids 1.. in this order. */
  public static final List<String> CLASSES = List.of("circle", "square", "triangle");

  /** What to generate. */
  public record Spec(
      long seed,
      int trainImages,
      int valImages,
      int size,
      int minObjects,
      int maxObjects,
      int minSide,
      int maxSide) {
    public Spec {
      if (trainImages < 1 || valImages < 0 || size < 32 || minObjects < 1) {
        throw new IllegalArgumentException("need >= 1 train image, size >= 32, >= 1 object");
      }
      if (minSide < 4 || maxSide < minSide || maxSide > size) {
        throw new IllegalArgumentException("object sides must satisfy 4 <= min <= max <= size");
      }
    }
  }

  private SyntheticShapes() {}

  /** Writes the dataset under {@code root}. */
  public static void generate(Spec spec, Path root) {
    OpenCv.load();
    Random rng = new Random(spec.seed());
    split(spec, root, "train", spec.trainImages(), rng, 1);
    split(spec, root, "val", spec.valImages(), rng, 1_000_000);
  }

  private static void split(Spec spec, Path root, String name, int n, Random rng, int firstId) {
    Path dir = root.resolve(name);
    List<Map<String, Object>> images = new ArrayList<>();
    List<Map<String, Object>> anns = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Files.createDirectories(root.resolve("annotations"));
      for (int i = 0; i < n; i++) {
        int id = firstId + i;
        String file = String.format("%06d.jpg", id);
        Mat img = background(spec.size(), rng);
        int objects = spec.minObjects() + rng.nextInt(spec.maxObjects() - spec.minObjects() + 1);
        for (int k = 0; k < objects; k++) {
          int cls = rng.nextInt(CLASSES.size());
          double[] box = drawShape(img, cls, spec, rng);
          Map<String, Object> a = new LinkedHashMap<>();
          a.put("id", anns.size() + firstId);
          a.put("image_id", id);
          a.put("category_id", cls + 1);
          a.put("bbox", new double[] {box[0], box[1], box[2] - box[0], box[3] - box[1]});
          a.put("area", (box[2] - box[0]) * (box[3] - box[1]));
          a.put("iscrowd", 0);
          anns.add(a);
        }
        Imgcodecs.imwrite(dir.resolve(file).toString(), img);
        img.release();
        Map<String, Object> im = new LinkedHashMap<>();
        im.put("id", id);
        im.put("file_name", file);
        im.put("width", spec.size());
        im.put("height", spec.size());
        images.add(im);
      }
      List<Map<String, Object>> cats = new ArrayList<>();
      for (int c = 0; c < CLASSES.size(); c++) {
        cats.add(Map.of("id", c + 1, "name", CLASSES.get(c)));
      }
      Map<String, Object> coco = new LinkedHashMap<>();
      coco.put("images", images);
      coco.put("annotations", anns);
      coco.put("categories", cats);
      Files.writeString(
          root.resolve("annotations").resolve("instances_" + name + ".json"), Json.compact(coco));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the synthetic dataset under " + root, e);
    }
  }

  private static Mat background(int size, Random rng) {
    Mat img = new Mat(size, size, CvType.CV_8UC3);
    Scalar base = new Scalar(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256));
    img.setTo(base);
    Mat noise = new Mat(size, size, CvType.CV_8UC3);
    Core.randn(noise, 0, 8 + rng.nextInt(16));
    Core.add(img, noise, img);
    noise.release();
    for (int i = 0; i < 6; i++) {
      Scalar c = new Scalar(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256));
      Imgproc.line(
          img,
          new Point(rng.nextInt(size), rng.nextInt(size)),
          new Point(rng.nextInt(size), rng.nextInt(size)),
          c,
          1 + rng.nextInt(2));
    }
    Imgproc.GaussianBlur(img, img, new org.opencv.core.Size(3, 3), 0);
    return img;
  }

  /** A shape colour at least 80 levels from the background in some channel (a visible object). */
  private static Scalar contrasting(Mat img, Random rng) {
    double[] bg = Core.mean(img).val;
    while (true) {
      double[] c = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
      for (int k = 0; k < 3; k++) {
        if (Math.abs(c[k] - bg[k]) >= 80) {
          return new Scalar(c);
        }
      }
    }
  }

  /** Draws one shape; returns its box [x1, y1, x2, y2]. */
  private static double[] drawShape(Mat img, int cls, Spec spec, Random rng) {
    int size = spec.size();
    int w = spec.minSide() + rng.nextInt(spec.maxSide() - spec.minSide() + 1);
    double aspect = cls == 0 ? 1.0 : 0.75 + rng.nextDouble() * 0.5;
    int h = (int) Math.max(spec.minSide(), Math.min(spec.maxSide(), Math.round(w * aspect)));
    int x1 = rng.nextInt(size - w + 1);
    int y1 = rng.nextInt(size - h + 1);
    Scalar color = contrasting(img, rng);
    switch (cls) {
      case 0 ->
          Imgproc.ellipse(
              img,
              new Point(x1 + w / 2.0, y1 + h / 2.0),
              new org.opencv.core.Size(w / 2.0, h / 2.0),
              0,
              0,
              360,
              color,
              -1,
              Imgproc.LINE_AA);
      case 1 ->
          Imgproc.rectangle(img, new Point(x1, y1), new Point(x1 + w - 1, y1 + h - 1), color, -1);
      default ->
          Imgproc.fillPoly(
              img,
              List.of(
                  new MatOfPoint(
                      new Point(x1 + w / 2.0, y1),
                      new Point(x1, y1 + h - 1),
                      new Point(x1 + w - 1, y1 + h - 1))),
              color,
              Imgproc.LINE_AA);
    }
    return new double[] {x1, y1, x1 + w, y1 + h};
  }
}
