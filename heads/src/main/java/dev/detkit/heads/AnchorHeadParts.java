package dev.detkit.heads;

import dev.detkit.api.registry.ComponentConfig;

/**
 * The arguments every anchor-based head shares with mmdet's {@code AnchorHead} (prior generator,
 * coder, losses, train and test settings, input levels), so heads with their own argument records
 * are assembled by the same code.
 */
public interface AnchorHeadParts {
  int numClasses();

  int inChannels();

  /** The number of input levels, where the head needs it (per-level norms), else null. */
  Integer numIns();

  ComponentConfig anchorGenerator();

  ComponentConfig bboxCoder();

  ComponentConfig lossCls();

  ComponentConfig lossBbox();

  TrainCfg trainCfg();

  TestCfg testCfg();
}
