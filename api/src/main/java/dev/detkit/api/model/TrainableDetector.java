package dev.detkit.api.model;

import dev.detkit.api.nn.Module;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A detector the engine can train: mmdet's {@code loss} mode as named losses, and the module tree
 * that holds its parameters. The engine needs nothing else of a model.
 */
public interface TrainableDetector extends Detector {

  /**
   * Preprocesses the batch for training and returns each loss by its log key ({@code loss_cls},
   * {@code loss_bbox}, ...), summed over levels as mmengine's {@code parse_losses} logs it. Call
   * inside a gradient scope to back-propagate their sum.
   */
  Map<String, Tensor> loss(List<DetSample> samples);

  /** The module tree (parameters, state dict, train/eval mode). */
  Module module();
}
