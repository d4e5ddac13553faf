package dev.detkit.necks;

import dev.detkit.api.model.FeatureInfo;
import java.util.List;

/** What a neck checks and takes from the backbone's reported levels when it is built. */
public final class NeckInputs {
  private NeckInputs() {}

  /**
   * Checks {@code in_channels} against the levels a neck is built on and returns their strides
   * (null for a neck built on its own).
   */
  public static List<Integer> checkedStrides(
      List<Integer> inChannels, dev.detkit.api.registry.BuildContext ctx) {
    checkInChannels(inChannels, ctx.inputs());
    return strides(ctx.inputs());
  }

  /** The input levels' strides, or null for a neck built on its own. */
  public static List<Integer> strides(List<FeatureInfo> inputs) {
    return inputs == null ? null : inputs.stream().map(FeatureInfo::stride).toList();
  }

  /**
   * A neck's {@code in_channels} against the backbone's reported levels (null inputs: a neck built
   * on its own checks nothing).
   */
  public static void checkInChannels(List<Integer> inChannels, List<FeatureInfo> inputs) {
    if (inputs == null) {
      return;
    }
    List<Integer> given = inputs.stream().map(FeatureInfo::channels).toList();
    if (!given.equals(inChannels)) {
      throw new IllegalArgumentException(
          "in_channels "
              + inChannels
              + " do not match the backbone's output channels "
              + given
              + " (omit in_channels to take the backbone's)");
    }
  }
}
