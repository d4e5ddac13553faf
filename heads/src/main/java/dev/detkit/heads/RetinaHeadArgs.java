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
 *
 * @param numClasses number of categories excluding the background (sigmoid scores, no background
 *     channel)
 * @param inChannels number of channels of each input feature level (the neck's out_channels)
 * @param numIns number of input levels: RetinaSepBNHead needs it (its BNs are per level);
 *     RetinaHead checks it against the neck's levels when given
 * @param stackedConvs number of stacked 3x3 convs in each branch (classification, regression)
 * @param featChannels number of hidden channels of the stacked convs
 * @param convCfg config of the conv layers; only null (plain Conv2d), detkit refuses any other
 *     value
 * @param normCfg normalisation after each stacked conv (e.g. {type: GN, num_groups: 32}), none when
 *     null
 * @param anchorGenerator config of the anchor generator (a prior_generator component)
 * @param bboxCoder config of the coder between anchors and gt boxes (deltas)
 * @param regDecodedBbox in mmdet, apply the regression loss to decoded boxes instead of deltas;
 *     detkit's RetinaNet heads always compare deltas, so true is accepted but has no effect
 * @param lossCls config of the classification loss
 * @param lossBbox config of the box regression loss (on deltas)
 * @param trainCfg training config of the head (assigner, sampler, pos_weight), taken from the
 *     detector's train_cfg; null for inference
 * @param testCfg testing config of the head (nms_pre, score_thr, nms, max_per_img), taken from the
 *     detector's test_cfg
 * @param initCfg initialisation config; detkit always uses mmdet's default for these heads (normal
 *     std 0.01, classification bias for prior probability 0.01) and ignores this value
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
