package dev.detkit.data;

import dev.detkit.api.structures.Detections;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Draws detections (box, class name, score) on an image and writes it as PNG, with OpenCV. */
public final class DetectionPainter {
  private DetectionPainter() {}

  /** A stable, distinct colour per label (BGR). */
  static Scalar color(int label) {
    int h = (label * 47) % 180;
    Mat hsv = new Mat(1, 1, org.opencv.core.CvType.CV_8UC3, new Scalar(h, 220, 255));
    Mat bgr = new Mat();
    Imgproc.cvtColor(hsv, bgr, Imgproc.COLOR_HSV2BGR);
    double[] c = bgr.get(0, 0);
    return new Scalar(c[0], c[1], c[2]);
  }

  /** Draws {@code det} on the original image file and writes {@code out} (PNG). */
  public static void paint(Path image, Detections det, List<String> classes, Path out) {
    Mat img = LoadImageFromFile.decode(image);
    int thick = Math.max(1, Math.round(Math.max(img.rows(), img.cols()) / 400f));
    double fontScale = Math.max(0.4, Math.max(img.rows(), img.cols()) / 1200.0);
    for (int i = det.size() - 1; i >= 0; i--) {
      float[] b = det.boxes();
      int label = det.labels()[i];
      Scalar c = color(label);
      Point p1 = new Point(b[4 * i], b[4 * i + 1]);
      Point p2 = new Point(b[4 * i + 2], b[4 * i + 3]);
      Imgproc.rectangle(img, p1, p2, c, thick);
      String name = label < classes.size() ? classes.get(label) : String.valueOf(label);
      String text = String.format(Locale.ROOT, "%s %.2f", name, det.scores()[i]);
      int[] base = new int[1];
      org.opencv.core.Size ts =
          Imgproc.getTextSize(text, Imgproc.FONT_HERSHEY_SIMPLEX, fontScale, 1, base);
      Point t1 = new Point(p1.x, Math.max(0, p1.y - ts.height - 4));
      Imgproc.rectangle(img, t1, new Point(p1.x + ts.width + 4, t1.y + ts.height + 4), c, -1);
      Imgproc.putText(
          img,
          text,
          new Point(t1.x + 2, t1.y + ts.height + 1),
          Imgproc.FONT_HERSHEY_SIMPLEX,
          fontScale,
          new Scalar(0, 0, 0),
          1);
    }
    if (!Imgcodecs.imwrite(out.toString(), img)) {
      throw new ImageLoadException(out + ": cannot write image");
    }
  }
}
