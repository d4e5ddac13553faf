package dev.detkit.detectors;

import dev.detkit.api.model.Detector;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;
import java.util.List;

/** Registers detkit's detectors. */
public final class DetectorsModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    // mmdet registers one SingleStageDetector subclass per paper; they differ only in the head.
    for (String name :
        List.of("SingleStageDetector", "RetinaNet", "FCOS", "ATSS", "GFL", "EfficientDet")) {
      register(
          ComponentSpec.of(
              ComponentKind.DETECTOR,
              name,
              SingleStageDetector.Args.class,
              Detector.class,
              (a, ctx) -> new SingleStageDetector(a, ctx),
              "single-stage detector: backbone, neck, any dense head (mmdet's " + name + ")"));
    }
  }
}
