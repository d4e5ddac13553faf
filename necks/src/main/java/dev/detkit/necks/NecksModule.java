package dev.detkit.necks;

import dev.detkit.api.registry.DetkitModule;

/** detkit's necks: every {@code @Component} under this package. */
public final class NecksModule extends DetkitModule {}
