package dev.detkit.detectors;

import dev.detkit.api.registry.DetkitModule;

/** detkit's detectors: every {@code @Component} under this package. */
public final class DetectorsModule extends DetkitModule {}
