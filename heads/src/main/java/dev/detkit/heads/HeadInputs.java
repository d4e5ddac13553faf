package dev.detkit.heads;

import dev.detkit.api.model.FeatureInfo;
import java.util.List;

/**
 * Build-time agreement between a dense head and the features it will receive (the neck's, or the
 * backbone's): the level count, each level's stride and the channel count. A mismatch would
 * otherwise surface at the first forward pass as an index or shape error deep in a kernel.
 */
final class HeadInputs {
  private HeadInputs() {}

  /**
   * Checks {@code strides} (the prior generator's) and {@code inChannels} against {@code inputs};
   * null inputs (a head built on its own, as in tests) check nothing.
   */
  static void check(List<Integer> strides, int inChannels, List<FeatureInfo> inputs) {
    if (inputs == null) {
      return;
    }
    List<Integer> given = inputs.stream().map(FeatureInfo::stride).toList();
    if (strides.size() != inputs.size()) {
      throw new IllegalArgumentException(
          "anchor_generator.strides "
              + strides
              + " has "
              + strides.size()
              + " levels, but the head receives "
              + inputs.size()
              + " feature maps (strides "
              + given
              + "); make the neck's num_outs and the strides agree");
    }
    if (!strides.equals(given)) {
      throw new IllegalArgumentException(
          "anchor_generator.strides " + strides + " differ from the feature strides " + given);
    }
    for (FeatureInfo f : inputs) {
      if (f.channels() != inChannels) {
        throw new IllegalArgumentException(
            "in_channels "
                + inChannels
                + " differs from the "
                + f.channels()
                + " channels of the features it receives (omit in_channels to take them)");
      }
    }
  }
}
