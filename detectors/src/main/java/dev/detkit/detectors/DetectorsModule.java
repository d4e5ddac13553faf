package dev.detkit.detectors;

import dev.detkit.api.model.Detector;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;

/** Registers detkit's detectors. */
public final class DetectorsModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.DETECTOR,
            "RetinaNet",
            RetinaNet.Args.class,
            Detector.class,
            (a, ctx) -> new RetinaNet(a, ctx),
            "single-stage detector: backbone, neck, dense head (mmdet's SingleStageDetector)"));
  }
}
