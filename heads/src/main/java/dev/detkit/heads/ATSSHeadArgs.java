package dev.detkit.heads;

import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;
import java.util.Map;

/**
 * Arguments of mmdet's {@code ATSSHead} and {@code GFLHead} (with {@code AnchorHead}'s); {@code
 * train_cfg}/{@code test_cfg} come from the detector. Defaults are mmdet's, except {@code
 * loss_bbox}: AnchorHead's SmoothL1Loss is not in detkit, so it defaults to the GIoULoss (weight
 * 2.0) every mmdet ATSS config sets.
 *
 * @param numClasses number of categories excluding the background (sigmoid scores)
 * @param inChannels number of channels of each input feature level (the neck's out_channels)
 * @param predKernelSize kernel size of the prediction convs; only 3, detkit refuses other values
 * @param stackedConvs number of stacked 3x3 convs in each branch (classification, regression)
 * @param featChannels number of hidden channels of the stacked convs
 * @param convCfg config of the conv layers; only null (plain Conv2d), detkit refuses any other
 *     value
 * @param normCfg normalisation after each stacked conv (mmdet: GN with 32 groups), none when null
 * @param regDecodedBbox apply the regression loss to decoded boxes instead of deltas; must be true
 *     (ATSS's GIoU loss compares boxes), detkit refuses false
 * @param anchorGenerator config of the anchor generator (ATSS configs: one anchor per cell, ratios
 *     [1.0], octave_base_scale 8, scales_per_octave 1)
 * @param bboxCoder config of the coder between anchors and boxes (deltas)
 * @param lossCls config of the classification loss (ATSS configs: FocalLoss)
 * @param lossBbox config of the box regression loss, on decoded boxes (GIoULoss, weight 2.0)
 * @param lossCenterness config of the centerness loss (binary CrossEntropyLoss with use_sigmoid)
 * @param trainCfg training config (assigner: ATSSAssigner, sampler, pos_weight), taken from the
 *     detector's train_cfg; null for inference
 * @param testCfg testing config (nms_pre, score_thr, nms, max_per_img), taken from the detector's
 *     test_cfg
 * @param initCfg initialisation config; detkit always uses mmdet's default (normal std 0.01,
 *     classification bias for prior probability 0.01) and ignores this value
 */
public record ATSSHeadArgs(
    int numClasses,
    int inChannels,
    @Default("3") int predKernelSize,
    @Default("4") int stackedConvs,
    @Default("256") int featChannels,
    @Default("null") Map<String, Object> convCfg,
    @Default("{type: GN, num_groups: 32, requires_grad: true}") NormCfg normCfg,
    @Default("true") boolean regDecodedBbox,
    @Kind(ComponentKind.PRIOR_GENERATOR)
        @Default(
            "{type: AnchorGenerator, scales: [8, 16, 32], ratios: [0.5, 1.0, 2.0],"
                + " strides: [4, 8, 16, 32, 64]}")
        ComponentConfig anchorGenerator,
    @Kind(ComponentKind.BBOX_CODER)
        @Default(
            "{type: DeltaXYWHBBoxCoder, clip_border: true, target_means: [0.0, 0.0, 0.0, 0.0],"
                + " target_stds: [1.0, 1.0, 1.0, 1.0]}")
        ComponentConfig bboxCoder,
    @Kind(ComponentKind.LOSS)
        @Default("{type: CrossEntropyLoss, use_sigmoid: true, loss_weight: 1.0}")
        ComponentConfig lossCls,
    @Kind(ComponentKind.LOSS) @Default("{type: GIoULoss, loss_weight: 2.0}")
        ComponentConfig lossBbox,
    @Kind(ComponentKind.LOSS)
        @Default("{type: CrossEntropyLoss, use_sigmoid: true, loss_weight: 1.0}")
        ComponentConfig lossCenterness,
    @Default("null") TrainCfg trainCfg,
    @Default("null") TestCfg testCfg,
    @Default("null") Object initCfg) {
  public ATSSHeadArgs {
    if (numClasses < 1 || inChannels < 1 || featChannels < 1 || stackedConvs < 0) {
      throw new IllegalArgumentException(
          "num_classes, in_channels and feat_channels must be positive");
    }
    if (convCfg != null) {
      throw new IllegalArgumentException("conv_cfg is not supported by detkit's dense heads");
    }
    if (predKernelSize != 3) {
      throw new IllegalArgumentException("pred_kernel_size must be 3, got " + predKernelSize);
    }
    if (!regDecodedBbox) {
      throw new IllegalArgumentException(
          "reg_decoded_bbox: false is not supported (ATSS's GIoU loss compares decoded boxes)");
    }
  }
}
