package dev.detkit.heads;

import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;

/**
 * Arguments of mmdet's EfficientDetSepBNHead (projects/EfficientDet) with AnchorHead's; {@code
 * train_cfg}/{@code test_cfg} come from the detector.
 *
 * @param numClasses foreground classes (sigmoid scores, no background channel)
 * @param numIns input levels; every (conv, level) pair has its own BN
 * @param inChannels channels of the input levels (the neck's, when omitted in a detector)
 * @param featChannels channels of the stacked separable convs
 * @param stackedConvs separable conv blocks per branch, shared by all levels
 * @param normCfg the per-level BNs (mmdet: BN, momentum 0.01, eps 1e-3)
 * @param anchorGenerator anchors (EfficientDet: octave base 4, 3 scales, centre offset 0.5)
 * @param bboxCoder deltas to boxes
 * @param lossCls classification loss (EfficientDet: focal, gamma 1.5)
 * @param lossBbox regression loss (EfficientDet: Huber, beta 0.1, weight 50), averaged over 4 x
 *     avg_factor
 * @param trainCfg assigner, sampler and weights for training
 * @param testCfg score threshold, top-k, NMS (EfficientDet: soft-NMS) and detections kept
 * @param initCfg mmengine init config (mmdet passes None: PyTorch's default conv init)
 */
public record EfficientDetHeadArgs(
    int numClasses,
    Integer numIns,
    int inChannels,
    int featChannels,
    @Default("3") int stackedConvs,
    @Default("{type: BN, momentum: 0.01, eps: 0.001}") NormCfg normCfg,
    @Kind(ComponentKind.PRIOR_GENERATOR)
        @Default(
            "{type: AnchorGenerator, octave_base_scale: 4, scales_per_octave: 3, ratios: [1.0, 0.5, 2.0],"
                + " strides: [8, 16, 32, 64, 128], center_offset: 0.5}")
        ComponentConfig anchorGenerator,
    @Kind(ComponentKind.BBOX_CODER)
        @Default(
            "{type: DeltaXYWHBBoxCoder, target_means: [0.0, 0.0, 0.0, 0.0], target_stds: [1.0, 1.0, 1.0, 1.0]}")
        ComponentConfig bboxCoder,
    @Kind(ComponentKind.LOSS)
        @Default("{type: FocalLoss, use_sigmoid: true, gamma: 1.5, alpha: 0.25, loss_weight: 1.0}")
        ComponentConfig lossCls,
    @Kind(ComponentKind.LOSS) @Default("{type: HuberLoss, beta: 0.1, loss_weight: 50}")
        ComponentConfig lossBbox,
    @Default("null") TrainCfg trainCfg,
    @Default("null") TestCfg testCfg,
    @Default("null") Object initCfg)
    implements AnchorHeadParts {
  public EfficientDetHeadArgs {
    if (numClasses < 1
        || numIns == null
        || numIns < 1
        || inChannels < 1
        || featChannels < 1
        || stackedConvs < 1) {
      throw new IllegalArgumentException(
          "num_classes, num_ins, in_channels, feat_channels and stacked_convs must be positive");
    }
  }
}
