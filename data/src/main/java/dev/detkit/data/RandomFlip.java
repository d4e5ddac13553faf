package dev.detkit.data;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * mmcv's {@code RandomFlip}, horizontal: with probability {@code prob} the image is mirrored and
 * boxes become {@code x1' = W - x2, x2' = W - x1} (no -1).
 */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "RandomFlip",
    summary = "horizontal flip with probability prob")
public final class RandomFlip implements Transform {

  /**
   * mmcv's arguments; only the horizontal direction is supported.
   *
   * @param prob the flipping probability, in [0, 1]; required
   * @param direction flip direction; only horizontal, detkit refuses vertical, diagonal and lists
   */
  public record Args(@Default("null") Double prob, @Default("horizontal") Object direction) {
    public Args {
      if (prob == null || prob < 0 || prob > 1) {
        throw new IllegalArgumentException("prob must be a number in [0, 1], got " + prob);
      }
      if (!"horizontal".equals(direction)) {
        throw new IllegalArgumentException(
            "direction '" + direction + "' is not supported (use horizontal)");
      }
    }
  }

  private final Args args;

  public RandomFlip(Args args) {
    OpenCv.load();
    this.args = args;
  }

  @Override
  public Results apply(Results r) {
    r.flip = r.rng.nextDouble() < args.prob();
    if (!r.flip) {
      return r;
    }
    Mat out = new Mat();
    Core.flip(r.img, out, 1);
    r.img = out;
    int w = r.img.cols();
    if (r.gtBboxes != null) {
      for (int i = 0; i < r.gtBboxes.length; i += 4) {
        float x1 = r.gtBboxes[i];
        r.gtBboxes[i] = w - r.gtBboxes[i + 2];
        r.gtBboxes[i + 2] = w - x1;
      }
    }
    return r;
  }
}
