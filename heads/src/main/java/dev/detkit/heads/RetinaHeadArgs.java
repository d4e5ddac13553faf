package dev.detkit.heads;

import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;
import java.util.Map;

/**
 * Arguments of RetinaHead and RetinaSepBNHead (mmdet's, with AnchorHead's); {@code
 * train_cfg}/{@code test_cfg} come from the detector.
 */
public record RetinaHeadArgs(
    int numClasses,
    int inChannels,
    @Default("null") Integer numIns,
    @Default("4") int stackedConvs,
    @Default("256") int featChannels,
    @Default("null") Map<String, Object> convCfg,
    @Default("null") NormCfg normCfg,
    @Kind(ComponentKind.PRIOR_GENERATOR)
        @Default(
            "{type: AnchorGenerator, octave_base_scale: 4, scales_per_octave: 3, ratios: [0.5, 1.0, 2.0],"
                + " strides: [8, 16, 32, 64, 128]}")
        ComponentConfig anchorGenerator,
    @Kind(ComponentKind.BBOX_CODER)
        @Default(
            "{type: DeltaXYWHBBoxCoder, clip_border: true, target_means: [0.0, 0.0, 0.0, 0.0], target_stds: [1.0, 1.0, 1.0, 1.0]}")
        ComponentConfig bboxCoder,
    @Default("false") boolean regDecodedBbox,
    @Kind(ComponentKind.LOSS)
        @Default("{type: FocalLoss, use_sigmoid: true, gamma: 2.0, alpha: 0.25, loss_weight: 1.0}")
        ComponentConfig lossCls,
    @Kind(ComponentKind.LOSS) @Default("{type: L1Loss, loss_weight: 1.0}") ComponentConfig lossBbox,
    @Default("null") TrainCfg trainCfg,
    @Default("null") TestCfg testCfg,
    @Default("null") Object initCfg)
    implements AnchorHeadParts {
  public RetinaHeadArgs {
    if (numClasses < 1 || inChannels < 1 || featChannels < 1 || stackedConvs < 0) {
      throw new IllegalArgumentException(
          "num_classes, in_channels and feat_channels must be positive");
    }
    if (convCfg != null) {
      throw new IllegalArgumentException("conv_cfg is not supported by detkit's RetinaNet heads");
    }
  }
}
