package dev.detkit.tools;

/** The {@code --shape H W} option's check, shared by the commands that take it. */
final class InputShape {
  /** Larger sides than this would need more memory than any machine detkit runs on. */
  static final int MAX_SIDE = 16384;

  private InputShape() {}

  /** {@code shape} is null (not given) or two sides in [1, MAX_SIDE]. */
  static void check(int[] shape) {
    if (shape == null) {
      return;
    }
    if (shape.length != 2
        || shape[0] < 1
        || shape[1] < 1
        || shape[0] > MAX_SIDE
        || shape[1] > MAX_SIDE) {
      throw new UserError(
          "--shape: expected height and width from 1 to "
              + MAX_SIDE
              + ", got "
              + java.util.Arrays.toString(shape));
    }
  }
}
