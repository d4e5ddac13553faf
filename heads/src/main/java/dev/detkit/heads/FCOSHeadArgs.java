package dev.detkit.heads;

import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;
import java.util.List;
import java.util.Map;

/**
 * Arguments of mmdet's {@code FCOSHead} (with {@code AnchorFreeHead}'s); {@code train_cfg}/{@code
 * test_cfg} come from the detector. {@code conv_bias} is {@code auto} (bias only without a norm) or
 * a boolean.
 *
 * @param numClasses number of categories excluding the background (sigmoid scores)
 * @param inChannels number of channels of each input feature level (the neck's out_channels)
 * @param featChannels number of hidden channels of the stacked convs
 * @param stackedConvs number of stacked 3x3 convs in each branch (classification, regression)
 * @param strides downsample factor of each input level, in pixels; one per level
 * @param dcnOnLastConv use a deformable conv as the last stacked conv; only false, detkit has no
 *     DCN and refuses true
 * @param convBias bias of the stacked convs: auto (a bias only when there is no norm), true or
 *     false
 * @param regressRanges regression range [low, high) of each level, in pixels of the largest
 *     distance from a point to its box's sides; one pair per stride
 * @param centerSampling only points within center_sample_radius strides of a gt's centre (and
 *     inside it) are positives for that gt
 * @param centerSampleRadius radius of the centre sampling region, in strides of the level
 * @param normOnBbox normalise the regression targets by the level's stride (and predict with ReLU
 *     instead of exp)
 * @param centernessOnReg put the centerness branch on the regression tower instead of the
 *     classification tower
 * @param lossCls config of the classification loss
 * @param lossBbox config of the box regression loss, on decoded boxes (IoULoss or GIoULoss)
 * @param lossCenterness config of the centerness loss (binary CrossEntropyLoss with use_sigmoid)
 * @param bboxCoder config of the coder between points and distances (DistancePointBBoxCoder)
 * @param convCfg config of the conv layers; only null (plain Conv2d), detkit refuses any other
 *     value
 * @param normCfg normalisation after each stacked conv (mmdet: GN with 32 groups), none when null
 * @param trainCfg the detector's train_cfg; FCOS assigns by regress_ranges, so, as in mmdet, its
 *     values (allowed_border, pos_weight, debug) are not used
 * @param testCfg testing config (nms_pre, score_thr, nms, max_per_img), taken from the detector's
 *     test_cfg
 * @param initCfg initialisation config; detkit always uses mmdet's default (normal std 0.01,
 *     classification bias for prior probability 0.01) and ignores this value
 */
public record FCOSHeadArgs(
    int numClasses,
    int inChannels,
    @Default("256") int featChannels,
    @Default("4") int stackedConvs,
    @Default("[4, 8, 16, 32, 64]") List<Integer> strides,
    @Default("false") boolean dcnOnLastConv,
    @Default("auto") Object convBias,
    @Default("[[-1.0, 64.0], [64.0, 128.0], [128.0, 256.0], [256.0, 512.0], [512.0, 100000000.0]]")
        List<List<Double>> regressRanges,
    @Default("false") boolean centerSampling,
    @Default("1.5") double centerSampleRadius,
    @Default("false") boolean normOnBbox,
    @Default("false") boolean centernessOnReg,
    @Kind(ComponentKind.LOSS)
        @Default("{type: FocalLoss, use_sigmoid: true, gamma: 2.0, alpha: 0.25, loss_weight: 1.0}")
        ComponentConfig lossCls,
    @Kind(ComponentKind.LOSS) @Default("{type: IoULoss, loss_weight: 1.0}")
        ComponentConfig lossBbox,
    @Kind(ComponentKind.LOSS)
        @Default("{type: CrossEntropyLoss, use_sigmoid: true, loss_weight: 1.0}")
        ComponentConfig lossCenterness,
    @Kind(ComponentKind.BBOX_CODER) @Default("{type: DistancePointBBoxCoder}")
        ComponentConfig bboxCoder,
    @Default("null") Map<String, Object> convCfg,
    @Default("{type: GN, num_groups: 32, requires_grad: true}") NormCfg normCfg,
    @Default("null") Object trainCfg,
    @Default("null") TestCfg testCfg,
    @Default("null") Object initCfg) {
  public FCOSHeadArgs {
    if (numClasses < 1 || inChannels < 1 || featChannels < 1 || stackedConvs < 0) {
      throw new IllegalArgumentException(
          "num_classes, in_channels and feat_channels must be positive");
    }
    if (dcnOnLastConv) {
      throw new IllegalArgumentException(
          "dcn_on_last_conv: true needs deformable convolution (DCNv2), which detkit does not"
              + " have; use false");
    }
    if (convCfg != null) {
      throw new IllegalArgumentException("conv_cfg is not supported by detkit's dense heads");
    }
    if (!(convBias instanceof Boolean) && !"auto".equals(convBias)) {
      throw new IllegalArgumentException("conv_bias must be auto, true or false, got " + convBias);
    }
    if (regressRanges.size() != strides.size()
        || regressRanges.stream().anyMatch(r -> r.size() != 2)) {
      throw new IllegalArgumentException(
          "regress_ranges needs one [low, high] pair per stride (" + strides.size() + ")");
    }
  }

  /** mmcv's {@code bias='auto'}: a bias only where there is no norm. */
  public boolean towerBias() {
    return convBias instanceof Boolean b ? b : normCfg == null;
  }
}
