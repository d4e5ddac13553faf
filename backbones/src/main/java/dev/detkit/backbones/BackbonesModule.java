package dev.detkit.backbones;

import dev.detkit.api.registry.DetkitModule;

/** detkit's backbones: every {@code @Component} under this package. */
public final class BackbonesModule extends DetkitModule {}
