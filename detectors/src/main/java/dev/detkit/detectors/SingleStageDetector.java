package dev.detkit.detectors;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.model.Backbone;
import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.model.Neck;
import dev.detkit.api.model.TrainableDetector;
import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.heads.DenseHead;
import dev.detkit.heads.HeadLosses;
import dev.detkit.heads.HeadOutputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mmdet's {@code SingleStageDetector} (registered as RetinaNet, FCOS, ATSS and GFL, which differ
 * only in their heads): backbone, optional neck, dense head and data preprocessor, with the
 * state-dict prefixes {@code backbone.}, {@code neck.}, {@code bbox_head.}. Any registered {@link
 * DenseHead} plugs in. The neck's {@code in_channels} default to the backbone's reported channels.
 */
// mmdet registers one SingleStageDetector subclass per paper; they differ only in the head.
@Component(
    kind = ComponentKind.DETECTOR,
    name = {"SingleStageDetector", "RetinaNet", "FCOS", "ATSS", "GFL", "EfficientDet"},
    summary = "single-stage detector: backbone, neck and any dense head")
public final class SingleStageDetector extends Module implements TrainableDetector {

  /**
   * mmdet's arguments.
   *
   * @param backbone config of the backbone (a backbone component)
   * @param neck config of the neck, null for none; its in_channels default to the backbone's output
   *     channels
   * @param bboxHead config of the dense head; its in_channels default to the neck's (or backbone's)
   *     output channels
   * @param dataPreprocessor config of the data preprocessor (normalisation, channel order, padding)
   * @param trainCfg training config of the head (assigner, sampler, pos_weight), handed to
   *     bbox_head as its train_cfg
   * @param testCfg testing config of the head (nms_pre, score_thr, nms, max_per_img), handed to
   *     bbox_head as its test_cfg
   * @param initCfg initialisation config of the whole detector; detkit ignores it (each part
   *     initialises itself, and the backbone's own init_cfg loads pretrained weights)
   */
  public record Args(
      @Kind(ComponentKind.BACKBONE) ComponentConfig backbone,
      @Kind(value = ComponentKind.NECK, provided = "in_channels") @Default("null")
          ComponentConfig neck,
      @Kind(value = ComponentKind.HEAD, provided = "in_channels") ComponentConfig bboxHead,
      @Default("{type: DetDataPreprocessor}") DetDataPreprocessor.Args dataPreprocessor,
      @Default("null") Object trainCfg,
      @Default("null") Object testCfg,
      @Default("null") Object initCfg) {}

  private static final String HEAD_PREFIX = "bbox_head.";

  private final Backbone backbone;
  private final Neck neck;
  private final DenseHead head;
  private final DetDataPreprocessor preprocessor;
  private final Backend backend;
  private final boolean channelsLast;
  private DType computeDType = DType.FLOAT32;

  public SingleStageDetector(Args a, BuildContext ctx) {
    this.backend = ctx.backend();
    this.channelsLast = ctx.options().channelsLast();
    this.backbone = ctx.build(a.backbone(), Backbone.class);
    register("backbone", (Module) backbone);
    List<FeatureInfo> feats = backbone.featureInfo();
    if (a.neck() != null) {
      Map<String, Object> defaults = new LinkedHashMap<>();
      defaults.put("in_channels", feats.stream().map(FeatureInfo::channels).toList());
      this.neck = ctx.withInputs(feats).build(a.neck(), Neck.class, defaults);
      register("neck", (Module) neck);
      feats = neck.featureInfo();
    } else {
      this.neck = null;
    }
    Map<String, Object> headDefaults = new LinkedHashMap<>();
    headDefaults.put("in_channels", feats.get(0).channels());
    if (a.trainCfg() != null) {
      headDefaults.put("train_cfg", a.trainCfg());
    }
    if (a.testCfg() != null) {
      headDefaults.put("test_cfg", a.testCfg());
    }
    this.head = ctx.withInputs(feats).build(a.bboxHead(), DenseHead.class, headDefaults);
    register("bbox_head", (Module) head);
    this.preprocessor = new DetDataPreprocessor(a.dataPreprocessor());
    if (!ctx.options().foldBn()) {
      apply(
          m -> {
            if (m instanceof ConvModule c) {
              c.setFoldBn(false);
            }
          });
    }
  }

  public Backbone backbone() {
    return backbone;
  }

  /** The neck, or null. */
  public Neck neck() {
    return neck;
  }

  public DenseHead head() {
    return head;
  }

  public DetDataPreprocessor preprocessor() {
    return preprocessor;
  }

  /** Backbone then neck: mmdet's {@code extract_feat}. */
  public List<Tensor> extractFeat(Tensor inputs) {
    List<Tensor> x = backbone.forward(inputs);
    return neck == null ? x : neck.forward(x);
  }

  /**
   * The network input in the memory layout of the runtime options ({@code --layout}, {@code
   * -Ddetkit.layout}): {@code nchw} (default) runs the same kernels as mmdetection's PyTorch eager
   * model; {@code channels_last} stores activations NHWC where the backend can (every convolution
   * then keeps it), which is much faster on CPU but rounds differently, so a detection on an NMS
   * boundary can change. Values and shapes are otherwise unchanged.
   */
  public Tensor toPreferredLayout(Tensor inputs) {
    return channelsLast && backend.has(Capability.CHANNELS_LAST) ? inputs.toChannelsLast() : inputs;
  }

  /**
   * Inference in {@code dtype} (FLOAT32 or BFLOAT16): {@link #forward} casts the input, the layers
   * cast their float32 weights once (batch norms folded first), and the head's outputs come back as
   * float32 for decoding and NMS. Training always computes in float32.
   */
  @Override
  public void setComputeDType(DType dtype) {
    if (dtype != DType.FLOAT32 && dtype != DType.BFLOAT16) {
      throw new IllegalArgumentException("compute dtype must be FLOAT32 or BFLOAT16, got " + dtype);
    }
    if (dtype == DType.BFLOAT16) {
      backend.require(Capability.BFLOAT16);
    }
    this.computeDType = dtype;
  }

  public DType computeDType() {
    return computeDType;
  }

  /**
   * Backbone, neck and head on a preprocessed batch, in the compute dtype; the outputs are float32
   * whatever it is.
   */
  public HeadOutputs forward(Tensor inputs) {
    if (computeDType == inputs.dtype()) {
      return head.forward(extractFeat(toPreferredLayout(inputs)));
    }
    try (TensorScope scope = TensorScope.open()) {
      HeadOutputs low = head.forward(extractFeat(toPreferredLayout(inputs.toType(computeDType))));
      HeadOutputs out = low.toType(inputs.dtype());
      out.flat().values().forEach(scope::handOut);
      return out;
    }
  }

  /**
   * mmdet's {@code loss} mode: preprocesses the batch for training (batch augments included), runs
   * the network and returns the head's per-level losses against each sample's ground truth. Call
   * inside {@link Backend#recordGradients()} to back-propagate.
   */
  public HeadLosses lossLevels(List<DetSample> samples) {
    DetDataPreprocessor.Batch batch = preprocessor.applyForTraining(samples, backend);
    List<GtInstances> gts = new ArrayList<>();
    for (DetSample s : samples) {
      if (s.gt() == null) {
        throw new IllegalArgumentException(
            "sample " + s.meta().path() + " has no ground truth (is LoadAnnotations missing?)");
      }
      gts.add(s.gt());
    }
    // Always NCHW, the layout the train-step parity test pins; the layout option applies to
    // inference.
    return head.loss(extractFeat(batch.inputs()), gts, batch.metas());
  }

  @Override
  public Map<String, Tensor> loss(List<DetSample> samples) {
    return lossLevels(samples).summed();
  }

  @Override
  public Module module() {
    return this;
  }

  /** Old head key names (FCOS's {@code fcos_cls}...) load as the head renames them. */
  @Override
  protected Map<String, TensorData> upgradeStateDict(Map<String, TensorData> sd) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    sd.forEach(
        (k, v) ->
            out.put(
                k.startsWith(HEAD_PREFIX)
                    ? HEAD_PREFIX + head.renameLegacyKey(k.substring(HEAD_PREFIX.length()))
                    : k,
                v));
    return out;
  }

  @Override
  public List<Detections> predict(List<DetSample> samples) {
    try (TensorScope scope = TensorScope.open()) {
      DetDataPreprocessor.Batch batch = preprocessor.apply(samples, backend);
      return head.predictByFeat(forward(batch.inputs()), batch.metas());
    }
  }
}
