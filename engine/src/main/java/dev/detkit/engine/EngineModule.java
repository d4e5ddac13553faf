package dev.detkit.engine;

import dev.detkit.api.registry.DetkitModule;

/**
 * The optimizer, learning-rate schedulers and hooks: every {@code @Component} under this package.
 */
public final class EngineModule extends DetkitModule {}
