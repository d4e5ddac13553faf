package dev.detkit.engine.optim;

import dev.detkit.api.checkpoint.TensorData;
import java.util.List;
import java.util.Map;

/** Updates parameters from their gradients (torch.optim's role). */
public interface Optimizer extends AutoCloseable {

  /** The configured learning rate before schedules ({@code optimizer.lr}). */
  double baseLr();

  /** The parameters it updates. */
  List<ParamGroup> groups();

  /** One update at learning rate {@code lr} (times each group's {@code lr_mult}). */
  void step(double lr);

  /** Its per-parameter state (momentum buffers), by {@code <param name>.<buffer>}. */
  Map<String, TensorData> state();

  /** Restores {@link #state()}; entries for unknown parameters are an error. */
  void loadState(Map<String, TensorData> state);

  @Override
  void close();
}
