package dev.detkit.evaluation;

import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;

/** Registers the COCO metric. */
public final class EvaluationModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.METRIC,
            "CocoMetric",
            CocoMetric.Args.class,
            CocoMetric.class,
            (a, ctx) -> new CocoMetric(a),
            "COCO box AP, identical to pycocotools, with mmdet's keys and recall limits"));
  }
}
