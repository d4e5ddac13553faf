package dev.detkit.engine.optim;

import java.util.List;

/** What a registered optimizer builds: an optimizer over the model's parameter groups. */
@FunctionalInterface
public interface OptimizerFactory {
  Optimizer create(List<ParamGroup> groups);
}
