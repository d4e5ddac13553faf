package dev.detkit.heads;

import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;
import java.util.Map;

/**
 * Arguments of mmdet's {@code GFLHead} (with {@code AnchorHead}'s); {@code train_cfg}/{@code
 * test_cfg} come from the detector. Defaults are mmdet's, except {@code loss_cls} and {@code
 * loss_bbox}: GFL's losses take quality targets and decoded boxes, so they default to what every
 * mmdet GFL config sets (QualityFocalLoss, GIoULoss weight 2.0) instead of AnchorHead's CE and
 * SmoothL1; the anchor generator defaults to the configs' one 8s x 8s anchor per cell (GFL needs
 * one per cell; AnchorHead's default has nine).
 *
 * @param numClasses number of categories excluding the background (sigmoid scores)
 * @param inChannels number of channels of each input feature level (the neck's out_channels)
 * @param stackedConvs number of stacked 3x3 convs in each branch (classification, regression)
 * @param featChannels number of hidden channels of the stacked convs
 * @param convCfg config of the conv layers; only null (plain Conv2d), detkit refuses any other
 *     value
 * @param normCfg normalisation after each stacked conv (mmdet: GN with 32 groups), none when null
 * @param regMax max value of the integral set {0, ..., reg_max} of the distance distribution (so
 *     reg_max + 1 bins per side), in units of the level's stride; positive
 * @param regDecodedBbox mmdet's AnchorHead switch for a loss on decoded boxes; GFL always applies
 *     its GIoU loss to decoded boxes, so detkit ignores this value
 * @param anchorGenerator config of the anchor generator (GFL needs one anchor per cell)
 * @param bboxCoder config of the coder between points and distances (DistancePointBBoxCoder)
 * @param lossCls config of the classification loss (QualityFocalLoss: joint class and IoU quality)
 * @param lossDfl config of the distribution focal loss on the distance bins
 * @param lossBbox config of the box regression loss, on decoded boxes (GIoULoss)
 * @param trainCfg training config (assigner: ATSSAssigner, sampler, pos_weight), taken from the
 *     detector's train_cfg; null for inference
 * @param testCfg testing config (nms_pre, score_thr, nms, max_per_img), taken from the detector's
 *     test_cfg
 * @param initCfg initialisation config; detkit always uses mmdet's default (normal std 0.01,
 *     classification bias for prior probability 0.01) and ignores this value
 */
public record GFLHeadArgs(
    int numClasses,
    int inChannels,
    @Default("4") int stackedConvs,
    @Default("256") int featChannels,
    @Default("null") Map<String, Object> convCfg,
    @Default("{type: GN, num_groups: 32, requires_grad: true}") NormCfg normCfg,
    @Default("16") int regMax,
    @Default("false") boolean regDecodedBbox,
    @Kind(ComponentKind.PRIOR_GENERATOR)
        @Default(
            "{type: AnchorGenerator, ratios: [1.0], octave_base_scale: 8, scales_per_octave: 1,"
                + " strides: [8, 16, 32, 64, 128]}")
        ComponentConfig anchorGenerator,
    @Kind(ComponentKind.BBOX_CODER) @Default("{type: DistancePointBBoxCoder}")
        ComponentConfig bboxCoder,
    @Kind(ComponentKind.LOSS)
        @Default("{type: QualityFocalLoss, use_sigmoid: true, beta: 2.0, loss_weight: 1.0}")
        ComponentConfig lossCls,
    @Kind(ComponentKind.LOSS) @Default("{type: DistributionFocalLoss, loss_weight: 0.25}")
        ComponentConfig lossDfl,
    @Kind(ComponentKind.LOSS) @Default("{type: GIoULoss, loss_weight: 2.0}")
        ComponentConfig lossBbox,
    @Default("null") TrainCfg trainCfg,
    @Default("null") TestCfg testCfg,
    @Default("null") Object initCfg) {
  public GFLHeadArgs {
    if (numClasses < 1 || inChannels < 1 || featChannels < 1 || stackedConvs < 0 || regMax < 1) {
      throw new IllegalArgumentException(
          "num_classes, in_channels, feat_channels and reg_max must be positive");
    }
    if (convCfg != null) {
      throw new IllegalArgumentException("conv_cfg is not supported by detkit's dense heads");
    }
  }
}
