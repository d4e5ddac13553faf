package dev.detkit.data;

import dev.detkit.api.registry.DetkitModule;

/** detkit's datasets and transforms: every {@code @Component} under this package. */
public final class DataModule extends DetkitModule {}
