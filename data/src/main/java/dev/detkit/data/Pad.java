package dev.detkit.data;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * mmdet's {@code Pad}: pads bottom/right with a constant to a fixed {@code size} (w, h), to a
 * multiple of {@code size_divisor}, or to a square.
 */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "Pad",
    summary = "pad bottom/right to a size, a divisor or a square")
public final class Pad implements Transform {

  /**
   * mmdet's arguments.
   *
   * @param size fixed padding size [w, h], in pixels; give size or size_divisor (not both), or
   *     pad_to_square
   * @param sizeDivisor pad the height and width up to a multiple of this number
   * @param padToSquare whether to pad the image to a square (the longer edge)
   * @param padVal value to pad with: a number; mmdet also takes a dict (img, seg), which detkit
   *     reads as 0
   * @param paddingMode type of padding; only constant, detkit refuses edge, reflect and symmetric
   */
  public record Args(
      @Default("null") List<Integer> size,
      @Default("null") Integer sizeDivisor,
      @Default("false") boolean padToSquare,
      @Default("0") Object padVal,
      @Default("constant") String paddingMode) {
    public Args {
      int given = (size != null ? 1 : 0) + (sizeDivisor != null ? 1 : 0) + (padToSquare ? 1 : 0);
      if (given == 0 || (size != null && sizeDivisor != null)) {
        throw new IllegalArgumentException("give size, size_divisor or pad_to_square");
      }
      if (!paddingMode.equals("constant")) {
        throw new IllegalArgumentException(
            "padding_mode '" + paddingMode + "' is not supported (use constant)");
      }
    }
  }

  private final Args args;

  public Pad(Args args) {
    OpenCv.load();
    this.args = args;
  }

  @Override
  public Results apply(Results r) {
    int h = r.img.rows();
    int w = r.img.cols();
    int th = h;
    int tw = w;
    if (args.padToSquare()) {
      th = tw = Math.max(h, w);
    }
    if (args.size() != null) {
      tw = args.size().get(0);
      th = args.size().get(1);
    }
    if (args.sizeDivisor() != null) {
      int d = args.sizeDivisor();
      th = (th + d - 1) / d * d;
      tw = (tw + d - 1) / d * d;
    }
    if (th < h || tw < w) {
      throw new IllegalArgumentException(
          "Pad: image " + h + "x" + w + " is larger than the pad size " + th + "x" + tw);
    }
    double v = args.padVal() instanceof Number n ? n.doubleValue() : 0;
    Mat out = new Mat();
    Core.copyMakeBorder(
        r.img, out, 0, th - h, 0, tw - w, Core.BORDER_CONSTANT, new Scalar(v, v, v));
    r.img = out;
    r.padShape = new int[] {th, tw};
    return r;
  }
}
