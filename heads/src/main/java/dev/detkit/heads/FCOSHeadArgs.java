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
